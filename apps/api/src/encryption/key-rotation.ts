import { existsSync, renameSync, rmSync } from 'node:fs';
import { JobsService } from '../jobs/jobs.service';
import { DataKeys } from './data-keys';
import { unwrapDataKey } from './envelope';
import { ROTATION_GRACE_MS, SWEEP_JOB } from './key-ring';
import { generateMasterKeyFile, loadMasterKeys, MasterKey, MasterKeySource, NEXT_KEY_SUFFIX, readMasterKeyFile, writeMasterKeyFile } from './master-keys';

/** A rotation that cannot go on, in words for the operator (nothing half-done: every step is safe to run again). */
export class RotationProblem extends Error {}

export interface MasterRotation {
  /** The master keys the data keys were wrapped by before. */
  from: string[];
  to: MasterKey;
  rewrapped: number;
  /** Key files deleted (the old keys are gone). */
  removed: string[];
  /** What the operator still has to do, if anything. */
  next?: string;
}

/**
 * Wraps every data key not wrapped by `to` with `to`, reading it with the key that wrapped it: only the data
 * keys change (a few rows), never the data. Each row is rewritten only if still wrapped as it was read.
 */
async function rewrapAll(keys: DataKeys, masters: Map<string, MasterKey>, to: MasterKey, where: string): Promise<{ from: Set<string>; rewrapped: number }> {
  const from = new Set<string>();
  let rewrapped = 0;
  for (const row of await keys.all()) {
    if (row.masterKeyId === to.id) continue;
    const master = masters.get(row.masterKeyId);
    if (!master) throw new RotationProblem(`Data key ${row.id} is wrapped by master key ${row.masterKeyId}, which is not in ${where}; nothing more was changed`);
    from.add(row.masterKeyId);
    if (await keys.rewrap(row.id, row.masterKeyId, to, unwrapDataKey(master.key, row.id, row.wrappedKey))) rewrapped++;
  }
  return { from, rewrapped };
}

/**
 * Master-key rotation while servers run: a new master key, every data key re-wrapped with it, then the old key
 * retired. Servers keep the data keys they unwrapped and, meeting a data key wrapped by a master key they do
 * not know, re-read their key source, so they follow without a restart. Interrupted at any point, running it
 * again finishes the same rotation:
 * - DATA_DIR/keys: the new key is the newest file of the folder; old files are deleted once no data key needs them;
 * - MASTER_KEY_FILE: the new key is written beside it (`<file>.next`), then renamed over it;
 * - MASTER_KEY (or a new key kept elsewhere): `newKeyFile` holds the new key (created if missing); the operator
 *   then gives it to every process.
 */
export async function rotateMasterKey(keys: DataKeys, source: MasterKeySource, options: { newKeyFile?: string } = {}): Promise<MasterRotation> {
  const present = loadMasterKeys(source);
  const rows = await keys.all();
  if (!rows.length) throw new RotationProblem('There are no data keys to re-wrap yet (start Parley once with ENCRYPTION_AT_REST=on)');

  if (!present.length) throw new RotationProblem(`There is no master key in ${source.kind === 'dir' ? source.dir : 'the configured source'} to rotate from`);

  if (source.kind === 'dir' && !options.newKeyFile) {
    // A folder holding two keys is a rotation that was interrupted: go on towards the newer one.
    const to = present.length >= 2 ? present[present.length - 1] : generateMasterKeyFile(source.dir);
    const masters = new Map([...present, to].map((k) => [k.id, k]));
    const { from, rewrapped } = await rewrapAll(keys, masters, to, source.dir);
    const removed: string[] = [];
    for (const old of present.filter((k) => k.id !== to.id)) {
      rmSync(old.origin, { force: true });
      removed.push(old.origin);
    }
    // A data key wrapped by an old key while we worked (a server creating its first key) is still readable
    // with the old key in memory here.
    const late = await rewrapAll(keys, masters, to, source.dir);
    return { from: [...from, ...late.from], to, rewrapped: rewrapped + late.rewrapped, removed };
  }

  const newFile = options.newKeyFile ?? (source.kind === 'file' ? `${source.path}${NEXT_KEY_SUFFIX}` : undefined);
  if (!newFile) throw new RotationProblem('With MASTER_KEY, give the new key as --new-key-file <file> (created with a new random key if it does not exist)');
  const to = existsSync(newFile) ? readMasterKeyFile(newFile) : writeMasterKeyFile(newFile);
  const masters = new Map([...present, to].map((k) => [k.id, k]));
  const { from, rewrapped } = await rewrapAll(keys, masters, to, `${present.map((k) => k.origin).join(', ')} or ${newFile}`);
  if (source.kind === 'file' && newFile === `${source.path}${NEXT_KEY_SUFFIX}`) {
    // The new key takes the old one's place in one step: the old key is gone, servers re-read the file.
    renameSync(newFile, source.path);
    return { from: [...from], to: { ...to, origin: source.path }, rewrapped, removed: present.map((k) => `${k.origin} (key ${k.id}, replaced)`) };
  }
  return {
    from: [...from],
    to,
    rewrapped,
    removed: [],
    next:
      source.kind === 'env'
        ? `Give every process the new key (MASTER_KEY=$(cat ${newFile}) or MASTER_KEY_FILE=${newFile}) and restart them; then destroy the old MASTER_KEY.`
        : `Point MASTER_KEY_FILE at ${newFile} (or move it over ${source.kind === 'file' ? source.path : 'the old key'}) for every process; then destroy the old key.`,
  };
}

/**
 * Data-key rotation: a new current data key (wrapped by the newest master key) and the others retired, in one
 * transaction; the background job then re-encrypts what the retired keys encrypted. It waits until every
 * process has surely moved to the new key (ROTATION_GRACE_MS), so the pass leaves nothing behind.
 */
export async function rotateDataKey(keys: DataKeys, jobs: JobsService, source: MasterKeySource, now = new Date()): Promise<{ id: string; retired: string[]; master: string; sweepFrom: Date }> {
  const master = loadMasterKeys(source).pop();
  if (!master) throw new RotationProblem('No master key to wrap a new data key with (start Parley once with ENCRYPTION_AT_REST=on)');
  const { row, retired } = await keys.rotate(master, now);
  const sweepFrom = new Date(now.getTime() + ROTATION_GRACE_MS);
  await jobs.request(SWEEP_JOB, sweepFrom);
  return { id: row.id, retired, master: master.id, sweepFrom };
}
