import { Injectable, computed, inject, signal } from '@angular/core';
import { HttpErrorResponse } from '@angular/common/http';
import type { RoomId } from '@matrix-org/matrix-sdk-crypto-wasm';
import { e2eeUserId } from '@parley/contracts';
import { E2ee, E2eeSession } from './e2ee';
import { E2eeApi } from './e2ee-api';
import {
  RECOVERY_ACCOUNT_DATA,
  RecoveryKeyError,
  SealedSecrets,
  decodeRecoveryKey,
  encodeRecoveryKey,
  newRecoveryKey,
  openSecrets,
  sealSecrets,
} from './recovery-key';

/**
 * - `checking`: looking at the account's backup;
 * - `ready`: this device holds the backup key: its room keys are backed up and it can read the backup;
 * - `restore`: the account has a recovery key but this device has not been given it (earlier messages wait);
 * - `failed`: the backup could not be checked or set up (`problem` says why).
 */
export type RecoveryState = 'off' | 'checking' | 'ready' | 'restore' | 'failed';

interface BackupVersion {
  version: string;
  algorithm: string;
  auth_data: { public_key?: string };
}

interface StoredKeys {
  rooms: Record<string, { sessions: Record<string, { session_data: { ephemeral: string; mac: string; ciphertext: string } }> }>;
}

/** The secret name under which devices pass the backup key to each other (Matrix's). */
const BACKUP_SECRET = 'm.megolm_backup.v1';

const notFound = (err: unknown) => err instanceof HttpErrorResponse && err.status === 404;

/** Pauses before a failed check of the key backup is tried again. */
const CHECK_RETRY_MS = [1000, 3000, 10_000, 30_000];

/**
 * The account's recovery key and key backup. The first time a person uses encryption, their browser makes
 * the account's cross-signing keys and a key backup, and a recovery key that seals both (the server keeps the
 * sealed secrets as account data and the backup encrypted to the backup's public key: it can open neither).
 * Every device holding the backup key backs its room keys up. A new browser asks for the recovery key: with
 * it, it takes the secrets, signs itself with the account's self-signing key and reads earlier history.
 */
@Injectable({ providedIn: 'root' })
export class Recovery {
  private readonly e2ee = inject(E2ee);
  private readonly api = inject(E2eeApi);

  private readonly stateSignal = signal<RecoveryState>('off');
  private readonly keyToSave = signal<string | null>(null);
  private readonly problemSignal = signal<string | null>(null);
  private checking: Promise<void> | null = null;
  private lastDownload = 0;

  /**
   * What a person is shown. The check follows the device's start (a second or so): from the moment the device
   * starts, the backup is being checked, not absent; and if the device cannot start, the check has failed.
   */
  readonly state = computed<RecoveryState>(() => {
    const state = this.stateSignal();
    if (state !== 'off') return state;
    switch (this.e2ee.status()) {
      case 'starting':
      case 'ready':
        return 'checking';
      case 'failed':
        return 'failed';
      default:
        return 'off';
    }
  });
  /**
   * True when this device began the account's first set-up at the same moment as another of my devices, which
   * won: the recovery key to give here is the one that other device showed.
   */
  readonly setUpElsewhere = signal(false);
  /** A recovery key just made, to show once until the person says they saved it. */
  readonly recoveryKeyToSave = this.keyToSave.asReadonly();
  readonly problem = computed(() =>
    this.stateSignal() === 'off' && this.e2ee.status() === 'failed' ? 'encryption could not start in this browser (it is tried again by itself).' : this.problemSignal(),
  );

  constructor() {
    this.e2ee.onStarted((session) => void this.check(session));
    // Another of my devices may have backed up the key of a message this one cannot read.
    this.e2ee.onMissingKey(() => this.fetchMissingKeys());
    // Trust changed (this device verified by another of mine): a backup key may wait in the secret inbox.
    this.e2ee.onTrustChanged(() => void this.secretsFromInbox());
    // …or the library took the key itself as it arrived (it keeps a backup key that matches): look after each inbox batch.
    this.e2ee.onInbox(() => void this.secretsFromInbox());
    const now = this.e2ee.current();
    if (now) void this.check(now);
    this.e2ee.onStopped(() => {
      this.stateSignal.set('off');
      this.keyToSave.set(null);
      this.setUpElsewhere.set(false);
      this.problemSignal.set(null);
      this.checking = null;
    });
  }

  /** The person saved the recovery key: stop showing it (it is not kept anywhere in this browser). */
  acknowledge(): void {
    this.keyToSave.set(null);
  }

  /**
   * Restores this device from the recovery key: the account's cross-signing keys (this device then signs
   * itself) and the backup key, then every backed-up room key. Resolves with how many room keys it imported.
   */
  async restore(text: string): Promise<number> {
    const key = decodeRecoveryKey(text);
    const session = await this.e2ee.session();
    const { wasm, machine } = session;
    const sealed = await this.sealed();
    if (!sealed) throw new RecoveryKeyError('Your account has no recovery key yet.');
    const secrets = await openSecrets(key, sealed);
    // The library checks the cross-signing keys against the account's public ones: know them first.
    // (Arrays of ids passed to the library are consumed: each call gets ids of its own.)
    const me = () => new wasm.UserId(e2eeUserId(session.userId));
    await machine.updateTrackedUsers([me()]);
    await this.e2ee.flush();
    await machine.importSecretsBundle(wasm.SecretsBundle.from_json(JSON.parse(secrets)));
    const own = await machine.getDevice(me(), new wasm.DeviceId(session.deviceId));
    if (own) await this.e2ee.send(await own.verify());
    const version = await this.enableBackup(session);
    if (!version) throw new RecoveryKeyError("Your account's key backup has changed since this recovery key was made: use the latest recovery key.");
    this.stateSignal.set('ready');
    this.problemSignal.set(null);
    const imported = await this.download(session, version);
    await this.e2ee.flush();
    this.e2ee.announceTrustChanged();
    return imported;
  }

  /** Replaces the recovery key (the old one stops working); the new one is shown until acknowledged. */
  async replaceKey(): Promise<void> {
    const session = await this.e2ee.session();
    const keys = await session.machine.getBackupKeys();
    if (!keys.decryptionKey || !keys.backupVersion) throw new RecoveryKeyError('This device does not hold the backup key: restore it with your recovery key first.');
    await this.seal(session, keys.backupVersion);
  }

  /** Fetches room keys from the backup for messages this device has no key for (at most once a minute). */
  private fetchMissingKeys(): void {
    const session = this.e2ee.current();
    if (!session || this.stateSignal() !== 'ready' || Date.now() - this.lastDownload < 60_000) return;
    this.lastDownload = Date.now();
    void session.machine.getBackupKeys().then((keys) => (keys.backupVersion ? this.download(session, keys.backupVersion) : 0)).catch(() => undefined);
  }

  // ---- internals ----

  /**
   * After this device is verified by another of mine, that device sends it the backup key over Olm (the
   * library asks for it): take it, check it is the key of the account's current backup, and restore.
   */
  private async receivedSecret(session: E2eeSession, name: string, value: string): Promise<void> {
    if (name !== BACKUP_SECRET || this.stateSignal() === 'ready') return;
    const { wasm, machine } = session;
    const key = wasm.BackupDecryptionKey.fromBase64(value);
    const server = await this.backupVersion();
    if (!server || server.auth_data.public_key !== key.megolmV1PublicKey.publicKeyBase64) return;
    await machine.saveBackupDecryptionKey(key, server.version);
    await machine.deleteSecretsFromInbox(BACKUP_SECRET);
    if (!(await this.enableBackup(session))) return;
    this.stateSignal.set('ready');
    this.problemSignal.set(null);
    await this.download(session, server.version);
    await this.e2ee.flush();
  }

  private async secretsFromInbox(): Promise<void> {
    const session = this.e2ee.current();
    if (!session || this.stateSignal() !== 'restore') return;
    for (const value of await session.machine.getSecretsFromInbox(BACKUP_SECRET)) await this.receivedSecret(session, BACKUP_SECRET, value).catch(() => undefined);
    if (this.stateSignal() !== 'restore') return;
    const keys = await session.machine.getBackupKeys();
    if (keys.decryptionKey) await this.receivedSecret(session, BACKUP_SECRET, keys.decryptionKey.toBase64()).catch(() => undefined);
  }

  private check(session: E2eeSession, attempt = 0): Promise<void> {
    if (attempt === 0) session.machine.registerReceiveSecretCallback((name, value) => this.receivedSecret(session, name, value).catch(() => undefined));
    this.checking ??= this.checkOnce(session).catch((err: unknown) => {
      this.checking = null;
      if (this.e2ee.current()?.machine !== session.machine) return;
      this.stateSignal.set('failed');
      this.problemSignal.set(err instanceof Error ? err.message : 'The key backup could not be checked.');
      // A passing failure (the connection, a busy server) is tried again a few times, further apart each time.
      const delay = CHECK_RETRY_MS[attempt];
      if (delay !== undefined) {
        setTimeout(() => {
          if (this.e2ee.current()?.machine === session.machine && this.stateSignal() === 'failed') void this.check(session, attempt + 1);
        }, delay);
      }
    });
    return this.checking;
  }

  private async checkOnce(session: E2eeSession): Promise<void> {
    this.stateSignal.set('checking');
    const keys = await session.machine.getBackupKeys();
    if (keys.decryptionKey && keys.backupVersion) {
      if (await this.enableBackup(session)) {
        this.stateSignal.set('ready');
        await this.e2ee.flush();
        return;
      }
      // The backup this device knew was replaced on another device: the recovery key there is the one to use.
      await session.machine.disableBackup();
    }
    const sealed = await this.sealed();
    if (sealed) {
      this.stateSignal.set('restore');
      return;
    }
    await this.setUp(session);
  }

  /** First use of encryption on this account: cross-signing keys, a key backup, and the recovery key. */
  private async setUp(session: E2eeSession): Promise<void> {
    const { wasm, machine } = session;
    const status = await machine.crossSigningStatus();
    if (!status.hasMaster || !status.hasSelfSigning || !status.hasUserSigning) {
      const requests = await machine.bootstrapCrossSigning(true);
      if (requests.uploadKeysRequest) await this.e2ee.send(requests.uploadKeysRequest);
      try {
        await this.api.send('POST', 'keys/device_signing/upload', requests.uploadSigningKeysRequest.body);
      } catch (err) {
        // Another of my devices set the account up at the same moment and won: its recovery key is the one.
        if (err instanceof HttpErrorResponse && err.status === 401 && (await this.waitForSealed())) {
          this.setUpElsewhere.set(true);
          this.stateSignal.set('restore');
          return;
        }
        throw err;
      }
      await this.e2ee.send(requests.uploadSignaturesRequest);
    }
    const backupKey = wasm.BackupDecryptionKey.createRandomKey();
    const publicKey = backupKey.megolmV1PublicKey;
    const created = JSON.parse(
      await this.api.send('POST', 'room_keys/version', JSON.stringify({ algorithm: publicKey.algorithm, auth_data: { public_key: publicKey.publicKeyBase64 } })),
    ) as { version: string };
    await machine.saveBackupDecryptionKey(backupKey, created.version);
    await machine.enableBackupV1(publicKey.publicKeyBase64, created.version);
    await this.seal(session, created.version);
    this.stateSignal.set('ready');
    await this.e2ee.flush();
  }

  /** Seals the account's secrets with a new recovery key and keeps the sealed copy on the server. */
  private async seal(session: E2eeSession, version: string): Promise<void> {
    const bundle = await (await session.machine.exportSecretsBundle());
    const key = newRecoveryKey();
    const sealed = await sealSecrets(key, JSON.stringify(bundle.to_json()), version);
    await this.api.send('PUT', `account-data/${RECOVERY_ACCOUNT_DATA}`, JSON.stringify({ content: sealed }));
    this.keyToSave.set(encodeRecoveryKey(key));
  }

  /**
   * Turns backing up on when the server's current backup is the one this device holds the key of (its public
   * key is checked against ours: a server swapping in a key of its own gets no room keys). Returns its version.
   */
  private async enableBackup(session: E2eeSession): Promise<string | null> {
    const keys = await session.machine.getBackupKeys();
    const server = await this.backupVersion();
    const publicKey = keys.decryptionKey?.megolmV1PublicKey.publicKeyBase64;
    if (!server || !publicKey || server.version !== keys.backupVersion || server.auth_data.public_key !== publicKey) return null;
    if (!(await session.machine.isBackupEnabled())) await session.machine.enableBackupV1(publicKey, server.version);
    return server.version;
  }

  /** Imports every room key of the backup this device does not have; tells waiting messages. */
  private async download(session: E2eeSession, version: string): Promise<number> {
    const { wasm, machine } = session;
    const keys = await machine.getBackupKeys();
    const decryptionKey = keys.decryptionKey;
    if (!decryptionKey) return 0;
    const stored = JSON.parse(await this.api.get('room_keys/keys', { version })) as StoredKeys;
    const byRoom = new Map<RoomId, Map<string, unknown>>();
    const sessions: { roomId: string; sessionId: string }[] = [];
    for (const [roomId, room] of Object.entries(stored.rooms ?? {})) {
      const map = new Map<string, unknown>();
      for (const [sessionId, s] of Object.entries(room.sessions ?? {})) {
        try {
          map.set(sessionId, JSON.parse(decryptionKey.decryptV1(s.session_data.ephemeral, s.session_data.mac, s.session_data.ciphertext)));
          sessions.push({ roomId: roomId.replace(/^!|:parley$/g, ''), sessionId });
        } catch {
          // A session this key cannot open (damaged, or not ours): skipped, its messages keep waiting.
        }
      }
      if (map.size) byRoom.set(new wasm.RoomId(roomId), map);
    }
    if (!byRoom.size) return 0;
    const result = await machine.importBackedUpRoomKeys(byRoom, () => undefined, version);
    this.e2ee.announceRoomKeys(sessions);
    return result.importedCount;
  }

  /** The sealed secrets another device is about to store (a few seconds at most). */
  private async waitForSealed(): Promise<SealedSecrets | null> {
    for (let i = 0; i < 10; i++) {
      const sealed = await this.sealed();
      if (sealed) return sealed;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return null;
  }

  private async sealed(): Promise<SealedSecrets | null> {
    // The list, not the one document: an account without one yet is the normal first use, not an error.
    const all = JSON.parse(await this.api.get('account-data')) as { account_data: Record<string, unknown> };
    return (all.account_data[RECOVERY_ACCOUNT_DATA] as SealedSecrets | undefined) ?? null;
  }

  private async backupVersion(): Promise<BackupVersion | null> {
    try {
      return JSON.parse(await this.api.get('room_keys/version')) as BackupVersion;
    } catch (err) {
      if (notFound(err)) return null;
      throw err;
    }
  }
}
