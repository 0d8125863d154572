import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/config';
import { JobEntity } from '../jobs/job.entity';
import { JobsService } from '../jobs/jobs.service';
import { openTestDatabase, startedKeyRing, TestDatabase } from '../testing/test-database';
import { DataKeys } from './data-keys';
import { EncryptionKeyEntity } from './encryption-key.entity';
import { DecryptionFailed, masterKeyId } from './envelope';
import { SWEEP_JOB } from './key-ring';
import { readMasterKeyFile } from './master-keys';

describe('KeyRing (the master key, the data keys, the start-up check)', () => {
  let db: TestDatabase;
  beforeEach(async () => (db = await openTestDatabase()));
  afterEach(() => db.close());

  const keysDir = () => join(db.config.dataDir, 'keys');
  /** The ring of a process started with these settings on the same database. */
  const ringWith = (env: Record<string, string> = {}) => startedKeyRing(db, env);
  const dataKeyRows = () => db.dataSource.getRepository(EncryptionKeyEntity).find();

  it('generates the master key once into DATA_DIR/keys (folder 0700, file 0600) and a data key wrapped by it', async () => {
    const ring = await db.keys();
    const files = readdirSync(keysDir());
    expect(files).toHaveLength(1);
    expect(statSync(keysDir()).mode & 0o777).toBe(0o700);
    expect(statSync(join(keysDir(), files[0])).mode & 0o777).toBe(0o600);
    const [row] = await dataKeyRows();
    expect(files[0]).toContain(row.masterKeyId);
    expect(row).toMatchObject({ id: ring.currentKeyId, retiredAt: null });
    // The database holds the data key only wrapped.
    expect(row.wrappedKey).toMatch(/^[A-Za-z0-9+/]+=*$/);

    const sealed = ring.sealText('hello', 'messages.body:1');
    // Another process (or a restart) reads it with the same key, and creates nothing new.
    const again = await ringWith({});
    expect(again.openText(sealed, 'messages.body:1')).toBe('hello');
    expect(readdirSync(keysDir())).toEqual(files);
    expect(await dataKeyRows()).toHaveLength(1);
    // Turning encryption on asked the background job to encrypt what was there before.
    expect((await new JobsService(db.dataSource.getRepository(JobEntity)).progress(SWEEP_JOB)).requestedAt).not.toBeNull();
  });

  it('refuses to start with a master key that does not open the database, in one line naming the key it needs', async () => {
    await db.keys();
    const [row] = await dataKeyRows();
    const wrong = randomBytes(32);
    const start = ringWith({ MASTER_KEY: wrong.toString('base64') });
    await expect(start).rejects.toThrow(ConfigError);
    const message = ((await start.catch((e: Error) => e)) as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(`master key ${row.masterKeyId}`);
    expect(message).toContain(`MASTER_KEY holds key ${masterKeyId(wrong)}`);
    expect(message).not.toContain(wrong.toString('base64'));

    // A missing key is refused the same way: nothing is generated in its place, nothing is written.
    rmSync(keysDir(), { recursive: true });
    await expect(ringWith({})).rejects.toThrow(`wrapped by master key ${row.masterKeyId}, but ${keysDir()} holds no key`);
    expect(readdirSync(db.config.dataDir)).not.toContain('keys');
    expect(await dataKeyRows()).toEqual([row]);
  });

  it('reads its key from MASTER_KEY or MASTER_KEY_FILE, refusing a malformed one before anything else', async () => {
    const key = randomBytes(32).toString('base64');
    const file = join(db.config.dataDir, 'master.key');
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    const fromEnv = await ringWith({ MASTER_KEY: key });
    const fromFile = await ringWith({ MASTER_KEY_FILE: file });
    expect(fromFile.openText(fromEnv.sealText('same key', 'x'), 'x')).toBe('same key');
    expect(readdirSync(db.config.dataDir)).not.toContain('keys');

    expect(() => loadConfig({ DATA_DIR: db.config.dataDir, MASTER_KEY: 'too short' })).toThrow(
      'Invalid configuration: MASTER_KEY must hold a 32-byte key in base64 (e.g. from `openssl rand -base64 32`)',
    );
    expect(() => loadConfig({ DATA_DIR: db.config.dataDir, MASTER_KEY_FILE: join(db.config.dataDir, 'nope.key') })).toThrow(/^Invalid configuration: MASTER_KEY_FILE \(.*nope\.key\) cannot be read \(ENOENT\)$/);
    expect(() => loadConfig({ DATA_DIR: db.config.dataDir, MASTER_KEY: key, MASTER_KEY_FILE: file })).toThrow('set MASTER_KEY or MASTER_KEY_FILE, not both');
  });

  it('with ENCRYPTION_AT_REST=off writes plaintext and still reads what was encrypted', async () => {
    const on = await db.keys();
    const sealed = on.sealText('secret', 'a');
    const off = await ringWith({ ENCRYPTION_AT_REST: 'off' });
    expect(off.sealText('plain', 'b')).toBe('plain');
    expect(off.openText(sealed, 'a')).toBe('secret');
    expect(off.textIsCurrent('plain')).toBe(true);
    expect(on.textIsCurrent('plain')).toBe(false);
    expect(() => off.openText(sealed, 'b')).toThrow(DecryptionFailed);
  });

  it('follows a data-key rotation made elsewhere: new writes use the new key, and old data still decrypts', async () => {
    const ring = await db.keys();
    const before = ring.sealText('old', 'a');
    const keys = new DataKeys(db.dataSource.getRepository(EncryptionKeyEntity));
    const [file] = readdirSync(keysDir());
    const { row } = await keys.rotate(readMasterKeyFile(join(keysDir(), file)));
    // Another process reads what was written with the new key before this one refreshed on its own.
    const other = await ringWith({});
    const written = other.sealText('new', 'b');
    expect(written).toContain(`pe1.${row.id}.`);
    expect(await ring.reading(() => ring.openText(written, 'b'))).toBe('new');
    expect(ring.currentKeyId).toBe(row.id);
    expect(ring.textIsCurrent(before)).toBe(false);
    expect(ring.openText(before, 'a')).toBe('old');
  });
});
