// The SQLite search index's writer: a worker thread of its own with its own connection to the index file,
// started by the search store (search-store.ts). Each message is one write (SearchFileWrite) with an id; the
// answer carries the id and the write's result, or its error. One write at a time, in arrival order.
import { parentPort, workerData } from 'node:worker_threads';
import { runWrite, SearchFileWrite, SqliteSearchFile } from './sqlite-search-file';

const { file } = workerData as { file: string };
const index = SqliteSearchFile.open(file);

parentPort?.on('message', (msg: ({ id: number } & SearchFileWrite) | 'stop') => {
  if (msg === 'stop') {
    index.close();
    parentPort?.close();
    return;
  }
  try {
    parentPort?.postMessage({ id: msg.id, value: runWrite(index, msg) });
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: (err as Error).message });
  }
});
parentPort?.postMessage({ type: 'ready' });
