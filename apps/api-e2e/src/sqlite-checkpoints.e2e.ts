import { RunningServer, startServer } from '@parley/testing';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeSockets, createRoom, send, socketFor } from './support/chat';
import { signUp } from './support/factories';
import { sleep } from './support/sockets';

afterEach(closeSockets);

interface ReadOnlyDb {
  prepare(sql: string): { get(...params: unknown[]): unknown };
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (path: string, options: { readonly: boolean }) => ReadOnlyDb;

/**
 * Messages in the SQLite database file alone, as a copy of that file without its WAL would hold them; null
 * when the copy caught a checkpoint half-way through writing pages into the file (a torn copy reads as
 * "malformed"), so the caller copies again.
 */
function messagesInDatabaseFile(dataDir: string, roomId: string): number | null {
  const dir = mkdtempSync(join(tmpdir(), 'parley-file-copy-'));
  try {
    const copy = join(dir, 'copy.sqlite');
    copyFileSync(join(dataDir, 'parley.sqlite'), copy);
    const db = new Database(copy, { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM messages WHERE \"roomId\" = ? AND kind = 'user'").get(roomId) as { n: number }).n;
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CORRUPT') return null;
      throw err;
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SQLite write-ahead log', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { SOCKET_SEND_RATE_PER_SECOND: '100000', SOCKET_SEND_BURST: '100000' } });
  });
  afterAll(() => server.dispose());

  it('is copied into the database file while the server runs, not only when a commit crosses its size limit', async () => {
    const [ana, ben] = await Promise.all([signUp(server.url), signUp(server.url)]);
    const room = await createRoom(server.url, ana, [ben]);
    const sa = await socketFor(server.url, ana);
    // One at a time, so each is its own commit: several thousand WAL pages, past SQLite's automatic
    // checkpoint threshold (1,000 pages), with the last commits well after the last threshold crossing.
    for (let i = 0; i < 400; i++) await send(sa, room.id, `message ${i} ${'x'.repeat(200)}`);
    const total = 400;

    let inFile = messagesInDatabaseFile(server.dataDir, room.id);
    for (let tries = 0; inFile !== total && tries < 100; tries++) {
      await sleep(100);
      inFile = messagesInDatabaseFile(server.dataDir, room.id);
    }
    expect(inFile).toBe(total);
  });
});
