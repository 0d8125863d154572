// The search index's writer: a worker thread of its own, started by the search store (search-store.ts). On
// SQLite it has its own connection to the index file and runs every write there; on PostgreSQL a pool of its
// own (one connection) for the heavy writes. Either way a batch's tokens (grams and HMACs) are computed here,
// off the API's event loop. Each message is one write (SearchIndexWrite) with an id; the answer carries the
// id and the write's result, or its error. One write at a time, in arrival order.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { PgPool, PgSearchWrites, runPgWrite, SearchIndexWrite } from './search-index-writes';
import type { SearchIndexTarget } from './search-store';
import { runWrite, SqliteSearchFile } from './sqlite-search-file';

type Request = { id: number } & SearchIndexWrite;

const target = workerData as SearchIndexTarget;
let run: (write: SearchIndexWrite) => unknown;
let close: () => Promise<void>;
if (target.kind === 'sqlite') {
  const index = SqliteSearchFile.open(target.file);
  run = (w) => runWrite(index, w);
  close = async () => index.close();
} else {
  const { Pool } = createRequire(__filename)('pg') as { Pool: new (options: { connectionString: string; max: number }) => PgPool & { end(): Promise<void> } };
  const pool = new Pool({ connectionString: target.url, max: 1 });
  const writes = new PgSearchWrites(pool);
  run = (w) => runPgWrite(writes, w);
  close = () => pool.end();
}

let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (msg: Request | 'stop') => {
  queue = queue.then(async () => {
    if (msg === 'stop') {
      await close();
      parentPort?.close();
      return;
    }
    try {
      parentPort?.postMessage({ id: msg.id, value: await run(msg) });
    } catch (err) {
      parentPort?.postMessage({ id: msg.id, error: (err as Error).message });
    }
  });
});
parentPort?.postMessage({ type: 'ready' });
