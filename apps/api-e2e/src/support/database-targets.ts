import { RunningServer, StartOptions, startServer } from '@parley/testing';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDatabase, TempDatabase } from './postgres';

export type DatabaseKind = 'sqlite' | 'postgres';

const urls = new WeakMap<RunningServer, string>();

/** The DATABASE_URL a server started by `startOn('postgres')` uses, so a second process can share it. */
export function databaseUrlOf(server: RunningServer): string {
  const url = urls.get(server);
  if (!url) throw new Error('This server runs on SQLite, which one process owns');
  return url;
}

/**
 * What another API process of the same installation needs (besides SECRET_KEY): the database, and the master
 * key that opens it, here the one the first process generated under its DATA_DIR/keys.
 */
export function sameInstallationAs(server: RunningServer): Record<string, string> {
  const keys = join(server.dataDir, 'keys');
  const newest = readdirSync(keys)
    .filter((f) => f.endsWith('.key'))
    .sort()
    .pop();
  if (!newest) throw new Error(`${keys} holds no master key`);
  return { DATABASE_URL: databaseUrlOf(server), MASTER_KEY_FILE: join(keys, newest) };
}

/** Starts the server on a fresh database of the given kind; `dispose()` stops it and drops the database. */
export async function startOn(kind: DatabaseKind, opts: StartOptions = {}): Promise<RunningServer> {
  let db: TempDatabase | undefined;
  if (kind === 'postgres') db = await createTempDatabase();
  const server = await startServer({ ...opts, env: { ...(db ? { DATABASE_URL: db.url } : {}), ...opts.env } });
  if (db) urls.set(server, db.url);
  const dispose = server.dispose;
  server.dispose = async () => {
    await dispose();
    await db?.drop();
  };
  return server;
}
