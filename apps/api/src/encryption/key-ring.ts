import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { hkdfSync } from 'node:crypto';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig, ConfigError } from '../config/config';
import { JobsService } from '../jobs/jobs.service';
import { DataKeys } from './data-keys';
import { EncryptionKeyEntity } from './encryption-key.entity';
import {
  DataKey,
  dataKey,
  DecryptionFailed,
  openSealedBytes,
  openSealedText,
  readPlainText,
  sealBytes,
  sealedBytesKeyId,
  sealedTextKeyId,
  sealText,
  storedPlainText,
  unwrapDataKey,
} from './envelope';
import { describeSource, generateMasterKeyFile, loadMasterKeys, MasterKey, MasterKeyProblem } from './master-keys';

/** The background job that encrypts plaintext and re-encrypts data under retired keys (EncryptionSweep). */
export const SWEEP_JOB = 'encryption.sweep';
/** How often each process re-reads `encryption_keys`, to start using a new current data key. */
export const KEY_REFRESH_MS = 5_000;
/**
 * How long after a data-key rotation every process has surely moved to the new key (a few refreshes): the
 * re-encryption pass that must leave nothing under the retired key starts no earlier.
 */
export const ROTATION_GRACE_MS = 3 * KEY_REFRESH_MS;

/** A ciphertext names a data key this process does not know (yet): re-read the keys and try again. */
export class UnknownDataKey extends Error {
  constructor(readonly keyId: string) {
    super(`Data key ${keyId} is unknown to this process`);
  }
}

const listed = (ids: string[]) => (ids.length === 1 ? `key ${ids[0]}` : `keys ${ids.join(', ')}`);

/**
 * The process's keys: the master keys it was given and every data key of the database, unwrapped once and
 * kept in memory, so encrypting and decrypting cost no query and no key derivation. Checked at start-up: a
 * database whose data keys this master key does not open stops the process before anything is written.
 * With ENCRYPTION_AT_REST=off new writes stay plaintext, but whatever is encrypted still decrypts.
 */
@Injectable()
export class KeyRing implements OnModuleInit, OnApplicationShutdown {
  readonly enabled: boolean;
  private readonly logger = new Logger(KeyRing.name);
  private readonly keys: DataKeys;
  private masters = new Map<string, MasterKey>();
  private readonly dataKeys = new Map<string, DataKey>();
  private current: DataKey | null = null;
  private started?: Promise<void>;
  private refreshing?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(EncryptionKeyEntity) rows: Repository<EncryptionKeyEntity>,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'encryption'>,
    private readonly jobs: JobsService,
  ) {
    this.enabled = config.encryption.atRest;
    this.keys = new DataKeys(rows);
  }

  onModuleInit(): Promise<void> {
    return this.ready();
  }

  /** Loads and checks the keys once; anything that encrypts during start-up awaits it first. */
  ready(): Promise<void> {
    this.started ??= this.start();
    return this.started;
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The data key new data is encrypted with (null with encryption off, before any key exists). */
  get currentKeyId(): string | null {
    return this.current?.id ?? null;
  }

  private async start(): Promise<void> {
    this.loadMasters(true);
    const rows = await this.keys.all();
    const missing = [...new Set(rows.map((r) => r.masterKeyId))].filter((id) => !this.masters.has(id));
    if (missing.length) {
      const have = [...this.masters.keys()];
      throw new ConfigError(
        `Encryption at rest: this database's data keys are wrapped by master ${listed(missing)}, but ${describeSource(this.config.encryption.master)} holds ${have.length ? listed(have) : 'no key'}. Start Parley with that key (MASTER_KEY, MASTER_KEY_FILE or DATA_DIR/keys); nothing was changed.`,
      );
    }
    for (const row of rows) {
      try {
        this.dataKeys.set(row.id, dataKey(row.id, unwrapDataKey(this.masters.get(row.masterKeyId)!.key, row.id, row.wrappedKey)));
      } catch (err) {
        if (!(err instanceof DecryptionFailed)) throw err;
        throw new ConfigError(`Encryption at rest: data key ${row.id} does not unwrap with master key ${row.masterKeyId}: the key or the encryption_keys row is damaged; nothing was changed.`);
      }
    }
    this.pickCurrent(rows);
    if (this.enabled && !this.current) {
      // The first data key: a new installation, or one turning encryption on. What it stored in plaintext
      // until now is encrypted by the background job.
      const master = this.primaryMaster() ?? this.generateMaster();
      const { row, bytes } = await this.keys.create(master);
      this.dataKeys.set(row.id, dataKey(row.id, bytes));
      this.current = this.dataKeys.get(row.id)!;
      await this.jobs.request(SWEEP_JOB);
      this.logger.log(`Encryption at rest is on: created data key ${row.id} under master key ${master.id}`);
    } else if (!this.enabled) {
      // New writes are plaintext from now on: once encryption is back on, the background job encrypts them.
      await this.jobs.request(SWEEP_JOB);
    }
    this.timer = setInterval(() => void this.refresh().catch((err: Error) => this.logger.warn(`Could not re-read the data keys: ${err.message}`)), KEY_REFRESH_MS);
    this.timer.unref();
  }

  /** (Re)reads the master keys from their source; at start-up a bad key file is a configuration error. */
  private loadMasters(atStart: boolean): void {
    try {
      this.masters = new Map(loadMasterKeys(this.config.encryption.master).map((k) => [k.id, k]));
    } catch (err) {
      if (!(err instanceof MasterKeyProblem)) throw err;
      if (atStart) throw new ConfigError(`Invalid configuration: ${err.message}`);
      this.logger.warn(`Could not re-read the master keys: ${err.message}`);
    }
  }

  /** The newest master key (the one a rotation moves to). */
  private primaryMaster(): MasterKey | undefined {
    return [...this.masters.values()].pop();
  }

  private generateMaster(): MasterKey {
    const source = this.config.encryption.master;
    if (source.kind !== 'dir') throw new ConfigError(`Encryption at rest: no master key in ${describeSource(source)}`);
    const key = generateMasterKeyFile(source.dir);
    this.masters.set(key.id, key);
    this.logger.log(`Generated master key ${key.id} in ${key.origin}: keep it apart from the database and its backups`);
    return key;
  }

  private pickCurrent(rows: EncryptionKeyEntity[]): void {
    if (!this.enabled) return;
    // The newest key that is not retired and that this process could unwrap; if it cannot unwrap the new one
    // (its master key is not here yet), it goes on with the key it had rather than refuse to store anything.
    const candidates = rows.filter((r) => r.retiredAt === null && this.dataKeys.has(r.id));
    const newest = candidates[candidates.length - 1];
    if (newest) this.current = this.dataKeys.get(newest.id)!;
  }

  /**
   * Re-reads `encryption_keys`: new data keys (a rotation, another process's first key) are unwrapped, and the
   * newest current one encrypts from now on. A key wrapped by an unknown master key makes the process re-read
   * its master keys first (a rotated key file is picked up without a restart).
   */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const rows = await this.keys.all();
      if (rows.some((r) => !this.dataKeys.has(r.id) && !this.masters.has(r.masterKeyId))) this.loadMasters(false);
      for (const row of rows) {
        if (this.dataKeys.has(row.id)) continue;
        const master = this.masters.get(row.masterKeyId);
        if (!master) {
          this.logger.warn(`Data key ${row.id} is wrapped by master key ${row.masterKeyId}, which this process does not have`);
          continue;
        }
        try {
          this.dataKeys.set(row.id, dataKey(row.id, unwrapDataKey(master.key, row.id, row.wrappedKey)));
        } catch (err) {
          this.logger.warn(`Data key ${row.id} does not unwrap with master key ${row.masterKeyId}: ${(err as Error).message}`);
        }
      }
      this.pickCurrent(rows);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private key(id: string): DataKey {
    const key = this.dataKeys.get(id);
    if (!key) throw new UnknownDataKey(id);
    return key;
  }

  private sealingKey(): DataKey {
    if (!this.current) throw new Error('Encryption at rest has no current data key (the key ring was not started)');
    return this.current;
  }

  /** Text as it is to be stored: a ciphertext bound to `aad`, or (encryption off) the plaintext. */
  sealText(plaintext: string, aad: string): string {
    return this.enabled ? sealText(this.sealingKey(), plaintext, aad) : storedPlainText(plaintext);
  }

  /** The plaintext of stored text (ciphertext or not). UnknownDataKey or DecryptionFailed when it cannot be read. */
  openText(stored: string, aad: string): string {
    const keyId = sealedTextKeyId(stored);
    return keyId === null ? readPlainText(stored) : openSealedText(this.key(keyId), stored, aad);
  }

  /** Whether stored text is as the current settings would write it (else the background job rewrites it). */
  textIsCurrent(stored: string): boolean {
    return !this.enabled || stored === '' || sealedTextKeyId(stored) === this.current?.id;
  }

  sealBytes(plaintext: Buffer, aad: string): Buffer {
    return this.enabled ? sealBytes(this.sealingKey(), plaintext, aad) : plaintext;
  }

  openBytes(stored: Buffer, aad: string): Buffer {
    const keyId = sealedBytesKeyId(stored);
    return keyId === null ? stored : openSealedBytes(this.key(keyId), stored, aad);
  }

  /** The ids of every data key this process holds, oldest first. */
  get dataKeyIds(): string[] {
    return [...this.dataKeys.keys()];
  }

  /**
   * A key for another use of a data key (the search index's tokens), derived with HKDF-SHA256 from the data key
   * and `purpose`, so it changes with each key period and never equals the data key itself.
   */
  derivedKey(keyId: string, purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key(keyId).key, Buffer.alloc(0), `parley ${purpose}`, 32));
  }

  bytesAreCurrent(stored: Buffer): boolean {
    return !this.enabled || sealedBytesKeyId(stored) === this.current?.id;
  }

  /** The data key new files are sealed with (segmented streams), or null with encryption off. */
  streamSealingKey(): DataKey | null {
    return this.enabled ? this.sealingKey() : null;
  }

  /** A data key by id, for opening a sealed stream; re-reads the keys once when it is new to this process. */
  async openingKey(id: string): Promise<DataKey> {
    if (!this.dataKeys.has(id)) await this.refresh();
    return this.key(id);
  }

  /** Whether something sealed under `keyId` (null: plaintext) is as the current settings would store it. */
  keyIsCurrent(keyId: string | null): boolean {
    return !this.enabled || keyId === this.current?.id;
  }

  /** Runs a read that decrypts; when it meets a data key made since the last refresh, refreshes once and runs it again. */
  async reading<T>(read: () => T): Promise<T> {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof UnknownDataKey)) throw err;
      await this.refresh();
      return read();
    }
  }
}
