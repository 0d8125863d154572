// A worker thread of its own with its own SQLite connection, started by WalCheckpoints: it copies the WAL
// into the database file (PASSIVE checkpoints: they never wait for or block the API's writes) so that the
// fsyncs of checkpointing happen here instead of inside a commit on the main thread.
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

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') parentPort?.postMessage({ type: 'error', message: (err as Error).message });
  }
}, intervalMs);

parentPort?.on('message', (msg: unknown) => {
  if (msg !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
parentPort?.postMessage({ type: 'ready' });
