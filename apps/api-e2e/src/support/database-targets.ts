import { RunningServer, StartOptions, startServer } from '@parley/testing';
import { createTempDatabase, TempDatabase } from './postgres';

export type DatabaseKind = 'sqlite' | 'postgres';

/** Starts the server on a fresh database of the given kind; `dispose()` stops it and drops the database. */
export async function startOn(kind: DatabaseKind, opts: StartOptions = {}): Promise<RunningServer> {
  let db: TempDatabase | undefined;
  if (kind === 'postgres') db = await createTempDatabase();
  const server = await startServer({ ...opts, env: { ...(db ? { DATABASE_URL: db.url } : {}), ...opts.env } });
  const dispose = server.dispose;
  server.dispose = async () => {
    await dispose();
    await db?.drop();
  };
  return server;
}
