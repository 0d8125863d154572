/** @long-running over a minute: restarts and background re-encryption (starts first: tools/scripts/jest-sequencer.cjs) */
import { Message, MessagePage, SyncResult } from '@parley/contracts';
import { RunningServer, startServer, WORKSPACE_ROOT } from '@parley/testing';
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { picture } from './fixtures/images';
import { closeSockets, createRoom, send, socketFor } from './support/chat';
import { DatabaseKind, databaseUrlOf, startOn } from './support/database-targets';
import { asUser, bearer, Signed, signUp } from './support/factories';
import { binary } from './support/files';
import { call, sleep } from './support/sockets';
import { runTool } from './support/tools';

/**
 * Encryption at rest through the built server: what users write is readable through the API and nowhere in
 * the database's files; the master key is checked at start-up; an installation that turns encryption on has
 * its old messages encrypted in the background; `keys:rotate` runs while the server serves.
 */
afterEach(closeSockets);

const canary = () => `canary-${randomBytes(6).toString('hex')}`;

/** The part of better-sqlite3 the test reads the database with (the package ships no types). */
interface SqliteFile {
  prepare(sql: string): { all(...p: unknown[]): unknown[] };
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string, options: { readonly: boolean; fileMustExist: boolean }) => SqliteFile;

async function fullHistory(url: string, who: Signed, roomId: string): Promise<Message[]> {
  const items: Message[] = [];
  for (let after = 0; ; ) {
    const page = (await asUser(url, who).get(`/api/rooms/${roomId}/messages?after=${after}&limit=100`).expect(200)).body as MessagePage;
    items.push(...page.items);
    if (!page.hasMore) return items;
    after = page.items[page.items.length - 1].seq;
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(250);
  }
}

describe.each<DatabaseKind>(['sqlite', 'postgres'])('encryption at rest on %s', (kind) => {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    // Restarts first: the first server's dispose drops the database and removes the data folder.
    for (const s of servers.splice(0).reverse()) await s.dispose();
  });
  const start = async (env: Record<string, string> = {}) => {
    const server = await startOn(kind, { env });
    servers.push(server);
    return server;
  };
  /** The same installation again (same DATA_DIR and database), after a stop. */
  const restart = (server: RunningServer, env: Record<string, string> = {}) =>
    startServer({ dataDir: server.dataDir, env: { ...(kind === 'postgres' ? { DATABASE_URL: databaseUrlOf(server) } : {}), ...env } });
  const stopped = async (server: RunningServer) => {
    await server.stop();
    return server;
  };

  /** Where the database keeps message text: the SQLite file and its WAL, or PostgreSQL's `messages` rows. */
  const storedText = async (server: RunningServer): Promise<string> => {
    if (kind === 'sqlite') {
      const file = join(server.dataDir, 'parley.sqlite');
      return [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('\n');
    }
    const client = new Client({ connectionString: databaseUrlOf(server) });
    await client.connect();
    try {
      const rows = (await client.query('SELECT body, event FROM messages')).rows as { body: string; event: string | null }[];
      return rows.map((r) => `${r.body}\n${r.event ?? ''}`).join('\n');
    } finally {
      await client.end();
    }
  };
  /** The messages table's rows as the database returns them. */
  const messageRows = async (server: RunningServer): Promise<unknown[]> => {
    if (kind === 'sqlite') {
      const db = new Database(join(server.dataDir, 'parley.sqlite'), { readonly: true, fileMustExist: true });
      try {
        return db.prepare('SELECT * FROM messages').all();
      } finally {
        db.close();
      }
    }
    const client = new Client({ connectionString: databaseUrlOf(server) });
    await client.connect();
    try {
      return (await client.query('SELECT * FROM messages')).rows;
    } finally {
      await client.end();
    }
  };
  const avatarFiles = (server: RunningServer) => {
    const dir = join(server.dataDir, 'files', 'avatars');
    return existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f))) : [];
  };

  it('keeps a message and its edit readable through history and sync, and out of the database; pictures too', async () => {
    const server = await start();
    const url = server.url;
    const [ada, ben] = [await signUp(url), await signUp(url)];
    const room = await createRoom(url, ada, [ben]);
    const [sent, edited, viaRest, roomName] = [canary(), canary(), canary(), canary()];

    const socket = await socketFor(url, ada);
    const message = await send(socket, room.id, `The launch code is ${sent}`);
    await asUser(url, ada).patch(`/api/messages/${message.id}`).send({ body: `The launch code is ${edited}` }).expect(200);
    await asUser(url, ben).post(`/api/rooms/${room.id}/messages`).send({ body: `Noted: ${viaRest}`, clientMsgId: randomUUID() }).expect(201);
    await asUser(url, ada).patch(`/api/rooms/${room.id}`).send({ name: `Room ${roomName}` }).expect(200);
    await request(url).put('/api/users/me/avatar').set(bearer(ada)).attach('file', await picture('png'), { filename: 'ada.png' }).expect(200);

    const history = await fullHistory(url, ben, room.id);
    expect(history.map((m) => m.body)).toEqual(expect.arrayContaining([`The launch code is ${edited}`, `Noted: ${viaRest}`]));
    expect(history.find((m) => m.kind === 'system' && m.event?.type === 'room_renamed')?.event?.name).toBe(`Room ${roomName}`);
    const benSocket = await socketFor(url, ben);
    const synced = (await call(benSocket, 'sync', { since: { [room.id]: 0 } })) as SyncResult;
    expect(synced.rooms[0].messages.find((m) => m.id === message.id)?.body).toBe(`The launch code is ${edited}`);
    const listed = (await asUser(url, ben).get('/api/rooms').expect(200)).body as { id: string; lastMessage: { text: string } | null }[];
    expect(listed.find((r) => r.id === room.id)?.lastMessage?.text).toContain(roomName);

    const stored = await storedText(server);
    for (const c of [sent, edited, viaRest]) expect(stored).not.toContain(c);
    expect(stored).toContain('pe1.');
    // The system line that tells of the new name holds it encrypted (the room's own row has its name: docs/security.md).
    expect(JSON.stringify(await messageRows(server))).not.toContain(roomName);

    // The picture is served as the WebP it is, and stored as a ciphertext that contains none of it.
    const served = (await binary(request(url).get(`/api/users/${ada.user.id}/avatar`).set(bearer(ben))).expect(200)).body as Buffer;
    expect(served.subarray(0, 4).toString('latin1')).toBe('RIFF');
    const files = avatarFiles(server);
    expect(files).toHaveLength(1);
    expect(files[0].subarray(0, 4).toString('latin1')).toBe('PEB1');
    for (let at = 0; at + 16 <= served.length; at += 64) expect(files[0].includes(served.subarray(at, at + 16))).toBe(false);
  });

  it('stops at start-up, in one line naming the key it needs, when the master key does not open the database', async () => {
    const server = await start();
    const ada = await signUp(server.url);
    await asUser(server.url, ada).get('/api/rooms').expect(200);
    await stopped(server);
    const [keyFile] = readdirSync(join(server.dataDir, 'keys'));
    const expected = /master-.*-([0-9a-f]{16})\.key$/.exec(keyFile)![1];

    const wrong = spawnSync(process.execPath, [join(WORKSPACE_ROOT, 'dist/apps/api/main.js')], {
      env: { ...process.env, DATA_DIR: server.dataDir, DATABASE_URL: kind === 'postgres' ? databaseUrlOf(server) : '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', MASTER_KEY: randomBytes(32).toString('base64') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(wrong.status).toBe(1);
    const lines = wrong.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Encryption at rest: this database's data keys are wrapped by master key ${expected}, but MASTER_KEY holds key [0-9a-f]{16}\\.`));

    // With the right key (the one in DATA_DIR/keys) everything is as it was.
    const again = await restart(server);
    servers.push(again);
    await asUser(again.url, ada).get('/api/rooms').expect(200);
    // Three start-ups, one of them blocking this worker: over a minute on a busy two-core machine.
  }, 120_000);

  it('encrypts, in the background, the messages and pictures of an installation that turns encryption on', async () => {
    const server = await start({ ENCRYPTION_AT_REST: 'off', SOCKET_SEND_BURST: '1000' });
    const url = server.url;
    const [ada, ben] = [await signUp(url), await signUp(url)];
    const room = await createRoom(url, ada, [ben]);
    const words = Array.from({ length: 30 }, () => canary());
    const socket = await socketFor(url, ada);
    for (const w of words) await send(socket, room.id, `old ${w}`);
    await request(url).put('/api/users/me/avatar').set(bearer(ada)).attach('file', await picture('png'), { filename: 'ada.png' }).expect(200);
    socket.close();
    expect(await storedText(server)).toContain(words[0]);
    expect(existsSync(join(server.dataDir, 'keys'))).toBe(false);
    expect(avatarFiles(server)[0].subarray(0, 4).toString('latin1')).toBe('RIFF');
    await stopped(server);

    const on = await restart(server, { SOCKET_SEND_BURST: '1000' });
    servers.push(on);
    // Served meanwhile, and in the end stored encrypted: history reads the same all along.
    await until('the old messages are encrypted', async () => {
      expect((await fullHistory(on.url, ben, room.id)).map((m) => m.body)).toEqual(words.map((w) => `old ${w}`));
      // The rows as the database returns them (what older writes left in the file's free space stays until
      // VACUUM: docs/security.md).
      const stored = JSON.stringify(await messageRows(server));
      return words.every((w) => !stored.includes(w)) && avatarFiles(server)[0].subarray(0, 4).toString('latin1') === 'PEB1';
    });
    const fresh = canary();
    await asUser(on.url, ben).post(`/api/rooms/${room.id}/messages`).send({ body: fresh, clientMsgId: randomUUID() }).expect(201);
    expect(await storedText(server)).not.toContain(fresh);
    const served = (await binary(request(on.url).get(`/api/users/${ada.user.id}/avatar`).set(bearer(ben))).expect(200)).body as Buffer;
    expect(served.subarray(0, 4).toString('latin1')).toBe('RIFF');
  }, 120_000);

  it('rotates the master key and the data key while the server serves: no failed request, everything readable, the old key gone', async () => {
    const server = await start({ SOCKET_SEND_RATE_PER_SECOND: '1000', SOCKET_SEND_BURST: '1000' });
    const url = server.url;
    const people = [await signUp(url), await signUp(url), await signUp(url)];
    const room = await createRoom(url, people[0], people.slice(1));
    const toolEnv = { DATA_DIR: server.dataDir, ...(kind === 'postgres' ? { DATABASE_URL: databaseUrlOf(server) } : {}) };
    const keysDir = join(server.dataDir, 'keys');
    const [oldKeyFile] = readdirSync(keysDir);

    // Everyone sends, and one reads the history, in a loop until told to stop.
    const acked: Message[] = [];
    const failures: string[] = [];
    let running = true;
    const sockets = await Promise.all(people.map((p) => socketFor(url, p)));
    const load = [
      ...sockets.map(async (s, i) => {
        for (let n = 0; running; n++) {
          try {
            acked.push(await send(s, room.id, `load ${i}-${n}`));
          } catch (err) {
            failures.push(`send: ${(err as Error).message}`);
          }
        }
      }),
      (async () => {
        while (running) {
          const res = await asUser(url, people[1]).get(`/api/rooms/${room.id}/messages?limit=50`);
          if (res.status !== 200) failures.push(`history: ${res.status}`);
        }
      })(),
    ];
    let newDataKey: string;
    try {
      await until('some messages are sent', async () => acked.length >= 30);
      const master = await runTool('keys-rotate', [], toolEnv);
      expect(master).toMatchObject({ code: 0, stderr: '' });
      expect(master.stdout).toMatch(/Master key rotated: 1 data key\(s\) re-wrapped/);
      const sentBefore = acked.length;
      const data = await runTool('keys-rotate', ['--data-key'], toolEnv);
      expect(data).toMatchObject({ code: 0, stderr: '' });
      newDataKey = /New data key ([0-9a-f]{16})/.exec(data.stdout)![1];
      // The server follows the new data key, wrapped by the new master key it reads from DATA_DIR/keys.
      await until('new messages use the new data key', async () => JSON.stringify(await messageRows(server)).includes(`pe1.${newDataKey}.`), 30_000);
      await until('more messages are sent', async () => acked.length >= sentBefore + 30);
    } finally {
      running = false;
      await Promise.all(load);
    }
    expect(failures).toEqual([]);

    // The old master key is gone; only the new one wraps the data keys.
    const keyFiles = readdirSync(keysDir);
    expect(keyFiles).toHaveLength(1);
    expect(keyFiles[0]).not.toBe(oldKeyFile);
    const newMasterId = /-([0-9a-f]{16})\.key$/.exec(keyFiles[0])![1];
    const status = await runTool('keys-rotate', ['--status'], toolEnv);
    expect(status.stdout.split('\n').filter((l) => /^[0-9a-f]{16}\s/.test(l)).map((l) => l.split(/\s+/)[1])).toEqual([newMasterId, newMasterId]);

    // The background job moves every message to the new data key.
    await until(
      'every message is under the new data key',
      async () => {
        const stored = JSON.stringify(await messageRows(server)).match(/pe1\.[0-9a-f]{16}\./g) ?? [];
        return stored.length > 0 && stored.every((s) => s === `pe1.${newDataKey}.`) && (await runTool('keys-rotate', ['--status'], toolEnv)).stdout.includes('nothing to do');
      },
      90_000,
    );
    const history = await fullHistory(url, people[2], room.id);
    const byId = new Map(history.map((m) => [m.id, m.body]));
    for (const m of acked) expect(byId.get(m.id)).toBe(m.body);

    // A restart has only the new key, and reads everything.
    await stopped(server);
    const again = await restart(server);
    servers.push(again);
    expect((await fullHistory(again.url, people[0], room.id)).map((m) => m.body)).toEqual(history.map((m) => m.body));
  }, 180_000);
});
