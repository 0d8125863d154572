// A worker thread of its own with its own SQLite connection, started by WalCheckpoints: it copies the WAL
// into the database file (PASSIVE checkpoints: they never wait for or block the API's writes) so that the
// fsyncs of checkpointing happen here instead of inside a commit on the main thread. It reports each
// checkpoint's figures, and runs one at once when asked (WalRestart: the WAL starting over between commits).
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

interface CheckpointDb {
  pragma(sql: string): unknown;
  close(): void;
}
type CheckpointDbConstructor = new (path: string, options: { fileMustExist: boolean }) => CheckpointDb;

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const Database = createRequire(__filename)('better-sqlite3') as CheckpointDbConstructor;
const db = new Database(path, { fileMustExist: true });
// Never wait for a lock: a checkpoint that cannot run now runs at the next tick.
db.pragma('busy_timeout = 0');

/** A PASSIVE checkpoint; its figures go to the main thread (`id` when it asked for this one). */
function checkpoint(id?: number): void {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    parentPort?.postMessage({ type: 'checkpointed', id, log: result?.log ?? 0, checkpointed: result?.checkpointed ?? 0 });
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') parentPort?.postMessage({ type: 'error', message: (err as Error).message });
    if (id !== undefined) parentPort?.postMessage({ type: 'checkpointed', id, log: -1, checkpointed: -1 });
  }
}

const timer = setInterval(() => checkpoint(), intervalMs);

parentPort?.on('message', (msg: unknown) => {
  if (typeof msg === 'object' && msg !== null && (msg as { type?: string }).type === 'checkpoint') return checkpoint((msg as { id: number }).id);
  if (msg !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
parentPort?.postMessage({ type: 'ready' });
