/** @long-running over a minute: restarts and background re-encryption (starts first: tools/scripts/jest-sequencer.cjs) */
import { FileInfo, FilePage, Message, MessagePage } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { picture } from './fixtures/images';
import { createRoom } from './support/chat';
import { DatabaseKind, databaseUrlOf, startOn } from './support/database-targets';
import { asUser, Signed, signUp } from './support/factories';
import { binary, eventually, filesUnder, multipartUpload, uploadFile } from './support/files';
import { runTool } from './support/tools';

/**
 * Encryption at rest for shared files, through the built server: a file's bytes, its thumbnail and its name are
 * readable through the API (whole, by range, in history, the Files panel and downloads) and nowhere in the file
 * store or the database; an installation that turns encryption on has its files encrypted in the background,
 * a data-key rotation re-encrypts them, and files stay readable all along.
 */

const canary = () => `canary-${randomBytes(6).toString('hex')}`;

/** About 200 KB of text (four 64 KiB segments, the last one short) with the canary spread through it. */
function canaryText(word: string): Buffer {
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < 200_000; i++) lines.push(`line ${i}: the secret word is ${word}, ${randomBytes(20).toString('hex')}`);
  return Buffer.from(lines.join('\n'), 'utf8');
}

/** Every file under a folder, read. */
function storedFiles(dir: string): { path: string; bytes: Buffer }[] {
  return filesUnder(dir).map((path) => ({ path, bytes: readFileSync(path) }));
}

/** Whether any 32-byte window of `needle` (sampled) appears in `haystack`. */
function sharesBytes(haystack: Buffer, needle: Buffer): boolean {
  for (let at = 0; at + 32 <= needle.length; at += 997) if (haystack.includes(needle.subarray(at, at + 32))) return true;
  return false;
}

describe.each<DatabaseKind>(['sqlite', 'postgres'])('files encrypted at rest on %s', (kind) => {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0).reverse()) await s.dispose();
  });
  const start = async (env: Record<string, string> = {}) => {
    const server = await startOn(kind, { env });
    servers.push(server);
    return server;
  };
  /** The same installation again (same DATA_DIR and database), after a stop; query its database through the first server. */
  const restart = async (server: RunningServer, env: Record<string, string> = {}, first = server) => {
    await server.stop();
    const again = await startServer({ dataDir: server.dataDir, env: { ...(kind === 'postgres' ? { DATABASE_URL: databaseUrlOf(first) } : {}), ...env } });
    servers.push(again);
    return again;
  };
  const store = (server: RunningServer) => storedFiles(join(server.dataDir, 'files'));
  /** What the database holds: the SQLite file and its WAL, or PostgreSQL's files and messages rows. */
  const storedRows = async (server: RunningServer): Promise<string> => {
    if (kind === 'sqlite') {
      const file = join(server.dataDir, 'parley.sqlite');
      return [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('\n');
    }
    const client = new Client({ connectionString: databaseUrlOf(server) });
    await client.connect();
    try {
      const files = (await client.query('SELECT * FROM files')).rows;
      const messages = (await client.query('SELECT * FROM messages')).rows;
      return JSON.stringify([files, messages]);
    } finally {
      await client.end();
    }
  };
  /** `files.name` and `messages.attachments` as the database returns them. */
  const nameColumns = async (server: RunningServer): Promise<string> => {
    const sql = ['SELECT name FROM files', 'SELECT attachments FROM messages'];
    if (kind === 'sqlite') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Database = require('better-sqlite3') as new (f: string, o: { readonly: boolean }) => { prepare(s: string): { all(): unknown[] }; close(): void };
      const db = new Database(join(server.dataDir, 'parley.sqlite'), { readonly: true });
      try {
        return JSON.stringify(sql.map((q) => db.prepare(q).all()));
      } finally {
        db.close();
      }
    }
    const client = new Client({ connectionString: databaseUrlOf(server) });
    await client.connect();
    try {
      return JSON.stringify(await Promise.all(sql.map(async (q) => (await client.query(q)).rows)));
    } finally {
      await client.end();
    }
  };
  const contentKeyIds = async (server: RunningServer): Promise<(string | null)[]> => {
    if (kind === 'sqlite') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Database = require('better-sqlite3') as new (f: string, o: { readonly: boolean }) => { prepare(s: string): { all(): { contentKeyId: string | null }[] }; close(): void };
      const db = new Database(join(server.dataDir, 'parley.sqlite'), { readonly: true });
      try {
        return db.prepare('SELECT "contentKeyId" FROM files').all().map((r) => r.contentKeyId);
      } finally {
        db.close();
      }
    }
    const client = new Client({ connectionString: databaseUrlOf(server) });
    await client.connect();
    try {
      return (await client.query('SELECT "contentKeyId" FROM files')).rows.map((r: { contentKeyId: string | null }) => r.contentKeyId);
    } finally {
      await client.end();
    }
  };

  /** Shares a canary text file (tus) and a picture (multipart) in one message; answers what was sent. */
  async function share(url: string, ada: Signed, roomId: string) {
    const word = canary();
    const name = `${canary()}.txt`;
    const text = canaryText(word);
    const doc = await uploadFile(url, ada, roomId, name, text);
    const png = await picture('png');
    const photo = (await multipartUpload(url, ada, roomId, `${name}.png`, png).expect(201)).body as FileInfo;
    await asUser(url, ada).post(`/api/rooms/${roomId}/messages`).send({ body: '', clientMsgId: randomUUID(), attachmentIds: [doc.id, photo.id] }).expect(201);
    return { word, name, text, doc, photo, png };
  }

  /** Everything a member reads of the shared files is the original. */
  async function expectReadable(url: string, ben: Signed, roomId: string, sent: Awaited<ReturnType<typeof share>>) {
    const content = (await binary(asUser(url, ben).get(`/api/files/${sent.doc.id}/content?download=1`)).expect(200)) as request.Response;
    expect((content.body as Buffer).equals(sent.text)).toBe(true);
    expect(content.headers['content-disposition']).toContain(sent.name);
    // Ranges at and across 64 KiB segment edges, and the last bytes.
    const S = 64 * 1024;
    for (const [start, end] of [
      [0, 0],
      [S - 1, S],
      [S, 2 * S - 1],
      [S - 10, 3 * S + 10],
      [sent.text.length - 5, sent.text.length - 1],
    ]) {
      const part = await binary(asUser(url, ben).get(`/api/files/${sent.doc.id}/content`).set('Range', `bytes=${start}-${end}`)).expect(206);
      expect((part.body as Buffer).equals(sent.text.subarray(start, end + 1))).toBe(true);
    }
    const png = await binary(asUser(url, ben).get(`/api/files/${sent.photo.id}/content`)).expect(200);
    expect((png.body as Buffer).equals(sent.png)).toBe(true);
    const thumb = await binary(asUser(url, ben).get(`/api/files/${sent.photo.id}/thumbnail`)).expect(200);
    expect((thumb.body as Buffer).subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(((await asUser(url, ben).get(`/api/files/${sent.doc.id}`).expect(200)).body as FileInfo).name).toBe(sent.name);
    const panel = (await asUser(url, ben).get(`/api/rooms/${roomId}/files`).expect(200)).body as FilePage;
    expect(panel.items.map((f) => f.name).sort()).toEqual([sent.name, `${sent.name}.png`].sort());
    const history = (await asUser(url, ben).get(`/api/rooms/${roomId}/messages?limit=50`).expect(200)).body as MessagePage;
    const carrying = history.items.find((m: Message) => m.attachments.length === 2);
    expect(carrying?.attachments.map((a) => a.name)).toEqual([sent.name, `${sent.name}.png`]);
    return thumb.body as Buffer;
  }

  it('stores a file, its thumbnail and its name encrypted, leaves no staging behind, and serves the original bytes', async () => {
    const server = await start();
    const url = server.url;
    const [ada, ben] = [await signUp(url), await signUp(url)];
    const room = await createRoom(url, ada, [ben]);
    const sent = await share(url, ada, room.id);
    const thumb = await expectReadable(url, ben, room.id, sent);

    const stored = store(server);
    // Two files and a thumbnail (and nothing of tus' staging: no uploads/<id>, no .json record).
    expect(stored.map((f) => f.path.slice(join(server.dataDir, 'files').length + 1)).sort()).toEqual(
      [`files/${sent.doc.id}`, `files/${sent.photo.id}`, `thumbs/${sent.photo.id}.webp`].sort(),
    );
    for (const f of stored) {
      expect(f.bytes.subarray(0, 4).toString('latin1')).toBe('PEF1');
      expect(f.bytes.toString('latin1')).not.toContain(sent.word);
      expect(f.bytes.toString('latin1')).not.toContain(sent.name);
      expect(sharesBytes(f.bytes, sent.text)).toBe(false);
      expect(sharesBytes(f.bytes, sent.png)).toBe(false);
      expect(sharesBytes(f.bytes, thumb)).toBe(false);
    }
    const rows = await storedRows(server);
    expect(rows).not.toContain(sent.name);
    expect(rows).not.toContain(sent.word);
  }, 120_000);

  it('encrypts the files of an installation that turns encryption on, in the background, serving them all along; off again, new files stay as sent and old ones read', async () => {
    const server = await start({ ENCRYPTION_AT_REST: 'off' });
    const [ada, ben] = [await signUp(server.url), await signUp(server.url)];
    const room = await createRoom(server.url, ada, [ben]);
    const sent = await share(server.url, ada, room.id);
    expect(store(server).some((f) => f.bytes.toString('latin1').includes(sent.word))).toBe(true);
    expect(await nameColumns(server)).toContain(sent.name);

    const on = await restart(server);
    await eventually(
      async () => {
        await expectReadable(on.url, ben, room.id, sent);
        const files = store(on);
        // The rows as the database returns them: freed SQLite pages keep old text until VACUUM (docs/security.md).
        const rows = await nameColumns(server);
        return (
          files.length === 3 &&
          files.every((f) => f.bytes.subarray(0, 4).toString('latin1') === 'PEF1' && !sharesBytes(f.bytes, sent.text)) &&
          (await contentKeyIds(server)).every((k) => k !== null) &&
          !rows.includes(sent.name)
        );
      },
      'the old files are encrypted',
      90_000,
    );
    await expectReadable(on.url, ben, room.id, sent);

    const off = await restart(on, { ENCRYPTION_AT_REST: 'off' }, server);
    await expectReadable(off.url, ben, room.id, sent);
    const word = canary();
    const plain = await uploadFile(off.url, ada, room.id, 'plain.txt', canaryText(word));
    expect(store(off).some((f) => f.path.endsWith(`uploads/${plain.id}`) && f.bytes.toString('latin1').includes(word))).toBe(true);
    expect(((await binary(asUser(off.url, ada).get(`/api/files/${plain.id}/content`)).expect(200)).body as Buffer).toString('utf8')).toContain(word);
  }, 240_000);

  it('re-encrypts files under a new data key (keys:rotate --data-key) while they stay downloadable', async () => {
    const server = await start();
    const [ada, ben] = [await signUp(server.url), await signUp(server.url)];
    const room = await createRoom(server.url, ada, [ben]);
    const sent = await share(server.url, ada, room.id);
    const [before] = await contentKeyIds(server);
    const toolEnv = { DATA_DIR: server.dataDir, ...(kind === 'postgres' ? { DATABASE_URL: databaseUrlOf(server) } : {}) };
    const rotated = await runTool('keys-rotate', ['--data-key'], toolEnv);
    expect(rotated).toMatchObject({ code: 0, stderr: '' });
    const newKey = /New data key ([0-9a-f]{16})/.exec(rotated.stdout)![1];
    expect(newKey).not.toBe(before);
    await eventually(
      async () => {
        await expectReadable(server.url, ben, room.id, sent);
        const ids = await contentKeyIds(server);
        const headers = store(server).map((f) => f.bytes.subarray(8, 16).toString('hex'));
        return ids.every((k) => k === newKey) && headers.length === 3 && headers.every((h) => h === newKey);
      },
      'the files are under the new data key',
      90_000,
    );
    await expectReadable(server.url, ben, room.id, sent);
  }, 180_000);
});
