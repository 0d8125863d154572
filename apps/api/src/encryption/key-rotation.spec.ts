import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/config';
import { JobEntity } from '../jobs/job.entity';
import { JobsService } from '../jobs/jobs.service';
import { openTestDatabase, startedKeyRing, TestDatabase } from '../testing/test-database';
import { DataKeys } from './data-keys';
import { EncryptionKeyEntity } from './encryption-key.entity';
import { masterKeyId, unwrapDataKey } from './envelope';
import { rotateDataKey, rotateMasterKey, RotationProblem } from './key-rotation';
import { generateMasterKeyFile, loadMasterKeys, MasterKeySource, readMasterKeyFile } from './master-keys';

describe('key rotation (keys:rotate)', () => {
  let db: TestDatabase;
  beforeEach(async () => (db = await openTestDatabase()));
  afterEach(() => db.close());

  const keysDir = () => join(db.config.dataDir, 'keys');
  const dataKeys = () => new DataKeys(db.dataSource.getRepository(EncryptionKeyEntity));
  const jobs = () => new JobsService(db.dataSource.getRepository(JobEntity));
  const wrappedBy = async () => (await dataKeys().all()).map((r) => r.masterKeyId);
  /** A process started (or restarted) with these settings; its timer stopped. */
  const restart = (env: Record<string, string> = {}) => startedKeyRing(db, env);

  it('re-wraps every data key with a new master key in DATA_DIR/keys, deletes the old one, and keeps everything readable', async () => {
    const running = await db.keys();
    const sealed = running.sealText('before the rotation', 'm:1');
    await rotateDataKey(dataKeys(), jobs(), db.config.encryption.master); // two data keys, one retired
    await running.refresh();
    const sealedLater = running.sealText('under the second data key', 'm:2');
    const [oldFile] = readdirSync(keysDir());
    const oldId = readMasterKeyFile(join(keysDir(), oldFile)).id;

    const rotated = await rotateMasterKey(dataKeys(), db.config.encryption.master);
    expect(rotated).toMatchObject({ from: [oldId], rewrapped: 2, removed: [join(keysDir(), oldFile)] });
    const files = readdirSync(keysDir());
    expect(files).toHaveLength(1);
    expect(files[0]).toContain(rotated.to.id);
    expect(await wrappedBy()).toEqual([rotated.to.id, rotated.to.id]);

    // The running process goes on (its data keys are in memory), and follows a data key made after the rotation
    // by re-reading DATA_DIR/keys, without a restart.
    expect(running.openText(sealed, 'm:1')).toBe('before the rotation');
    const third = await rotateDataKey(dataKeys(), jobs(), db.config.encryption.master);
    await running.refresh();
    expect(running.currentKeyId).toBe(third.id);
    // A restart with only the new key reads everything.
    const restarted = await restart();
    expect(restarted.openText(sealed, 'm:1')).toBe('before the rotation');
    expect(restarted.openText(sealedLater, 'm:2')).toBe('under the second data key');
  });

  it('finishes a rotation that was interrupted half-way, towards the newer key', async () => {
    await db.keys();
    await rotateDataKey(dataKeys(), jobs(), db.config.encryption.master);
    const [oldFile] = readdirSync(keysDir());
    const old = readMasterKeyFile(join(keysDir(), oldFile));
    // The tool died after writing the new key and re-wrapping one of the two data keys.
    const next = generateMasterKeyFile(keysDir(), new Date(Date.now() + 1000));
    const [first] = await dataKeys().all();
    await dataKeys().rewrap(first.id, old.id, next, unwrapDataKey(old.key, first.id, first.wrappedKey));
    expect(new Set(await wrappedBy())).toEqual(new Set([old.id, next.id]));
    // Meanwhile a server (re)starting finds both keys and opens everything.
    await restart();

    const rotated = await rotateMasterKey(dataKeys(), db.config.encryption.master);
    expect(rotated).toMatchObject({ from: [old.id], rewrapped: 1 });
    expect(rotated.to.id).toBe(next.id);
    expect(await wrappedBy()).toEqual([next.id, next.id]);
    expect(readdirSync(keysDir())).toHaveLength(1);
    await restart();
    // Run again, it is a new rotation.
    const again = await rotateMasterKey(dataKeys(), db.config.encryption.master);
    expect(again).toMatchObject({ from: [next.id], rewrapped: 2 });
  });

  it('with MASTER_KEY_FILE, moves to <file>.next and puts the new key in the file\u2019s place', async () => {
    const file = join(db.config.dataDir, 'master.key');
    const oldKey = randomBytes(32);
    writeFileSync(file, oldKey.toString('base64'), { mode: 0o600 });
    const env = { MASTER_KEY_FILE: file };
    const running = await restart(env);
    const sealed = running.sealText('kept', 'm:1');
    const source: MasterKeySource = { kind: 'file', path: file };

    const rotated = await rotateMasterKey(dataKeys(), source);
    expect(existsSync(`${file}.next`)).toBe(false);
    const now = readMasterKeyFile(file);
    expect(now.id).toBe(rotated.to.id);
    expect(now.id).not.toBe(masterKeyId(oldKey));
    expect(await wrappedBy()).toEqual([now.id]);
    expect((await restart(env)).openText(sealed, 'm:1')).toBe('kept');
    expect(loadMasterKeys(source).map((k) => k.id)).toEqual([now.id]);
  });

  it('with MASTER_KEY, needs the new key in a file; a restart with the old key then stops, naming the new one', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const running = await restart({ MASTER_KEY: oldKey });
    const sealed = running.sealText('kept', 'm:1');
    const source = loadConfig({ DATA_DIR: db.config.dataDir, MASTER_KEY: oldKey }).encryption.master;
    await expect(rotateMasterKey(dataKeys(), source)).rejects.toThrow(RotationProblem);

    const newFile = join(db.config.dataDir, 'new-master.key');
    const rotated = await rotateMasterKey(dataKeys(), source, { newKeyFile: newFile });
    expect(rotated.next).toContain(`MASTER_KEY_FILE=${newFile}`);
    expect(await wrappedBy()).toEqual([rotated.to.id]);
    await expect(restart({ MASTER_KEY: oldKey })).rejects.toThrow(ConfigError);
    await expect(restart({ MASTER_KEY: oldKey })).rejects.toThrow(`wrapped by master key ${rotated.to.id}`);
    expect((await restart({ MASTER_KEY: readFileSync(newFile, 'utf8') })).openText(sealed, 'm:1')).toBe('kept');
  });
});
