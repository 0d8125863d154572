import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_BYTES, masterKeyId, newKeyBytes } from './envelope';

/**
 * Where the master key comes from (validated once into the config):
 * - `env`: MASTER_KEY, base64 of 32 bytes;
 * - `file`: MASTER_KEY_FILE, a file holding that (and, during a rotation, the new key beside it in `<file>.next`);
 * - `dir`: the embedded default, `DATA_DIR/keys/master-<time>-<id>.key`, generated on first need. During a
 *   rotation the folder holds the old and the new key; the newest name is the one new data keys are wrapped with.
 */
export type MasterKeySource = { kind: 'env'; key: Buffer } | { kind: 'file'; path: string } | { kind: 'dir'; dir: string };

export interface MasterKey {
  id: string;
  key: Buffer;
  /** Where it was read from, for messages: `MASTER_KEY` or a file's path. */
  origin: string;
}

/** A key source that cannot be read or holds something that is not a key; the message names it. */
export class MasterKeyProblem extends Error {}

export const KEYS_FOLDER = 'keys';
/** Beside MASTER_KEY_FILE: the new key while `keys:rotate` moves the data keys to it. */
export const NEXT_KEY_SUFFIX = '.next';
const KEY_FILE = /^master-\d{8}T\d{6}(\d{3})?Z-[0-9a-f]{16}\.key$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** 32 bytes from their base64 (or base64url) text; MasterKeyProblem naming `what` otherwise. */
export function parseMasterKey(text: string, what: string): Buffer {
  const trimmed = text.trim();
  const key = BASE64_KEY.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) throw new MasterKeyProblem(`${what} must hold a 32-byte key in base64 (e.g. from \`openssl rand -base64 32\`)`);
  return key;
}

export function readMasterKeyFile(path: string, what = path): MasterKey {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new MasterKeyProblem(`${what} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const key = parseMasterKey(text, what);
  return { id: masterKeyId(key), key, origin: path };
}

/** The key files of a keys folder, oldest first (their names start with their creation time). */
export function masterKeyFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) throw new MasterKeyProblem(`${dir} must be a folder of master keys`);
  return readdirSync(dir)
    .filter((name) => KEY_FILE.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** Every key the source holds, oldest first: the last one is the one to wrap new data keys with. */
export function loadMasterKeys(source: MasterKeySource): MasterKey[] {
  switch (source.kind) {
    case 'env':
      return [{ id: masterKeyId(source.key), key: source.key, origin: 'MASTER_KEY' }];
    case 'file': {
      const keys = [readMasterKeyFile(source.path, `MASTER_KEY_FILE (${source.path})`)];
      const next = `${source.path}${NEXT_KEY_SUFFIX}`;
      if (existsSync(next)) keys.push(readMasterKeyFile(next));
      return keys;
    }
    case 'dir':
      return masterKeyFiles(source.dir).map((file) => readMasterKeyFile(file));
  }
}

/** Writes a new random key to `path` (which must not exist), readable by its owner only. */
export function writeMasterKeyFile(path: string): MasterKey {
  const key = newKeyBytes();
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { id: masterKeyId(key), key, origin: path };
}

/** A new key in the keys folder (created 0700 if missing), named after the time and its id so names sort by age. */
export function generateMasterKeyFile(dir: string, now = new Date()): MasterKey {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  const key = newKeyBytes();
  const path = join(dir, `master-${stamp}-${masterKeyId(key)}.key`);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { id: masterKeyId(key), key, origin: path };
}

/** How the source is named in messages to operators. */
export function describeSource(source: MasterKeySource): string {
  switch (source.kind) {
    case 'env':
      return 'MASTER_KEY';
    case 'file':
      return `MASTER_KEY_FILE (${source.path})`;
    case 'dir':
      return source.dir;
  }
}
