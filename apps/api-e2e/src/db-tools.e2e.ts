import { AccessToken, BlockedUser, CSRF_COOKIE, Friend, FriendRequest, Message, MessagePage, RoomInvitation, RoomSummary, SESSION_COOKIE } from '@parley/contracts';
import { RunningServer, StartOptions, startServer } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { picture } from './fixtures/images';
import { closeSockets, createRoom, ensureFriends, send, socketFor } from './support/chat';
import { asUser, bearer, blockUser, CSRF_HEADER, Signed, signIn, signUp } from './support/factories';
import { createTempDatabase, TempDatabase } from './support/postgres';
import { runTool } from './support/tools';

afterEach(closeSockets);

/** The part of better-sqlite3 the test reads a backup with (the package ships no types). */
interface SqliteFile {
  prepare(sql: string): { all(...p: unknown[]): unknown[]; get(...p: unknown[]): unknown };
  pragma(sql: string, options: { simple: true }): unknown;
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string, options: { readonly: boolean; fileMustExist: boolean }) => SqliteFile;

/**
 * An installation moves from SQLite to PostgreSQL without losing anything a user would notice: db:backup copies
 * the live SQLite file while messages are being sent, db:copy moves the stopped server's file into an empty
 * PostgreSQL database, and the server started on the copy answers exactly as before.
 */
describe('db:backup and db:copy', () => {
  const work = mkdtempSync(join(tmpdir(), 'parley-db-tools-'));
  // Kept across both servers: the avatars folder and the secret key (CSRF tokens) come along with the database.
  const dataDir = join(work, 'data');
  const servers: RunningServer[] = [];
  const start = async (options: StartOptions) => {
    const started = await startServer(options);
    servers.push(started);
    return started;
  };
  let target: TempDatabase;
  beforeAll(async () => (target = await createTempDatabase()));
  afterAll(async () => {
    for (const s of servers) await s.dispose();
    await target?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  const fullHistory = async (url: string, who: Signed, roomId: string): Promise<Message[]> => {
    const items: Message[] = [];
    for (let after = 0; ; ) {
      const page = (await asUser(url, who).get(`/api/rooms/${roomId}/messages?after=${after}&limit=100`).expect(200)).body as MessagePage;
      items.push(...page.items);
      if (!page.hasMore) return items;
      after = page.items[page.items.length - 1].seq;
    }
  };
  const avatarOf = async (url: string, who: Signed, userId: string): Promise<Buffer> =>
    (
      await request(url)
        .get(`/api/users/${userId}/avatar`)
        .set('Authorization', `Bearer ${who.token}`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200)
    ).body as Buffer;
  /** What each person sees: rooms with unread counts, the whole history, friends, blocks, requests, invitations, tokens, pictures. */
  const viewOf = async (url: string, people: Record<string, Signed>, roomId: string) => {
    const view: Record<string, unknown> = {};
    for (const [name, who] of Object.entries(people)) {
      const as = asUser(url, who);
      view[name] = {
        rooms: (await as.get('/api/rooms').expect(200)).body as RoomSummary[],
        history: (await as.get(`/api/rooms/${roomId}`)).status === 200 ? await fullHistory(url, who, roomId) : null,
        // Presence is live state, not data: after a restart everyone starts offline.
        friends: ((await as.get('/api/friends').expect(200)).body as Friend[]).map((f) => ({ user: f.user, since: f.since })),
        blocks: (await as.get('/api/blocks').expect(200)).body as BlockedUser[],
        requests: (await as.get('/api/friends/requests').expect(200)).body as FriendRequest[],
        invitations: (await as.get('/api/invitations').expect(200)).body as RoomInvitation[],
        tokens: (await as.get('/api/auth/tokens').expect(200)).body as AccessToken[],
        avatar: (await avatarOf(url, who, who.user.id)).toString('base64'),
      };
    }
    return view;
  };

  let people: Record<string, Signed>;
  let roomId: string;
  let accessToken: string;
  let inviteCode: string;
  let before: Record<string, unknown>;
  let sentBeforeCopy: number;

  it('backs up the running server while it commits messages: the backup is whole and holds every message acked before it began', async () => {
    mkdirSync(dataDir);
    const server = await start({ dataDir, env: { SOCKET_SEND_RATE_PER_SECOND: '100000', SOCKET_SEND_BURST: '100000' } });
    const url = server.url;
    const admin = await signUp(url);
    const [ada, ben, cai, dan] = [await signUp(url), await signUp(url), await signUp(url), await signUp(url)];
    people = { admin, ada, ben, cai, dan };

    // Relations: friends, a pending request, a block; a picture; a personal access token; a failed login (lockout counter).
    await ensureFriends(url, ada, ben);
    await ensureFriends(url, ada, cai);
    await asUser(url, cai).post('/api/friends/requests').send({ userId: dan.user.id }).expect(201);
    await blockUser(url, ben, dan);
    await request(url).put('/api/users/me/avatar').set(bearer(ada)).attach('file', await picture('png'), { filename: 'ada.png' }).expect(200);
    accessToken = (await asUser(url, ada).post('/api/auth/tokens').send({ name: 'deploy bot' }).expect(201)).body.token;
    await request(url).post('/api/auth/login').send({ login: cai.user.username, password: 'not the password at all' }).expect(401);

    // A room with a system line, a reply, an edit, a deletion, an invite code and an invitation of a stranger.
    const room = await createRoom(url, ada, [ben, cai]);
    roomId = room.id;
    await asUser(url, ada).patch(`/api/rooms/${room.id}`).send({ name: 'Launch plans' }).expect(200);
    const say = async (who: Signed, body: string, replyToId?: string) =>
      (await asUser(url, who).post(`/api/rooms/${room.id}/messages`).send({ body, clientMsgId: randomUUID(), replyToId }).expect(201)).body as Message;
    const first = await say(ada, 'Launch on **Friday**?');
    await say(ben, 'Friday works', first.id);
    await asUser(url, ada).patch(`/api/messages/${first.id}`).send({ body: 'Launch on **Saturday**?' }).expect(200);
    const oops = await say(cai, 'wrong room, sorry');
    await asUser(url, cai).delete(`/api/messages/${oops.id}`).expect(200);
    const latest = await say(ada, 'Agenda: ✓ tests, ✓ docs');
    await asUser(url, ben).post(`/api/rooms/${room.id}/read`).send({ seq: latest.seq }).expect(200);
    inviteCode = (await asUser(url, ada).post(`/api/rooms/${room.id}/invites`).send({}).expect(201)).body.code;
    await asUser(url, ada).post(`/api/rooms/${room.id}/members`).send({ userId: dan.user.id }).expect(202);

    // Ada keeps sending over her socket, each message acked only once committed, while the backup runs.
    const socket = await socketFor(url, ada);
    const acked: string[] = [];
    let sending = true;
    const sender = (async () => {
      for (let i = 0; sending; i++) acked.push((await send(socket, room.id, `while backing up ${i}`)).id);
    })();
    sender.catch(() => undefined); // awaited below; a failure before then must not go unhandled
    while (acked.length < 20) await new Promise((r) => setTimeout(r, 10));
    const ackedBeforeBackup = [...acked];
    const file = join(work, 'backup.sqlite');
    const backup = await runTool('db-backup', [file], { DATA_DIR: dataDir });
    const ackedDuringBackup = acked.length - ackedBeforeBackup.length;
    sending = false;
    await sender;

    expect(backup).toMatchObject({ code: 0, stderr: '' });
    expect(backup.stdout).toContain('integrity_check ok');
    expect(ackedDuringBackup).toBeGreaterThan(0); // the server really was writing meanwhile
    const copy = new Database(file, { readonly: true, fileMustExist: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const ids = new Set((copy.prepare('SELECT id FROM messages WHERE "roomId" = ?').all(room.id) as { id: string }[]).map((r) => r.id));
      expect(ackedBeforeBackup.filter((id) => !ids.has(id))).toEqual([]);
      expect(copy.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 5 });
    } finally {
      copy.close();
    }

    // Never over an existing file unless asked; never for PostgreSQL.
    const again = await runTool('db-backup', [file], { DATA_DIR: dataDir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists; pass --force');
    const onPostgres = await runTool('db-backup', [join(work, 'other.sqlite')], { DATA_DIR: dataDir, DATABASE_URL: target.url });
    expect(onPostgres.code).toBe(2);
    expect(onPostgres.stderr).toContain('pg_dump');

    socket.close();
    before = await viewOf(url, people, room.id);
    sentBeforeCopy = ((before['ada'] as { history: Message[] }).history).length;
    await server.stop();
  });

  it('copies the stopped installation into PostgreSQL, where everyone signs in as before and sees the same rooms, history, unread counts, friends, blocks and pictures', async () => {
    const copied = await runTool('db-copy', ['--from', `sqlite:${join(dataDir, 'parley.sqlite')}`, '--to', target.url]);
    expect(copied).toMatchObject({ code: 0, stderr: '' });
    for (const table of ['users', 'sessions', 'access_tokens', 'login_lockouts', 'rooms', 'room_members', 'room_invites', 'room_invitations', 'messages', 'friend_requests', 'friendships', 'user_blocks']) {
      expect(copied.stdout).toMatch(new RegExp(`^${table} .* ok$`, 'm'));
    }
    expect(copied.stdout).not.toContain('MISMATCH');
    expect(copied.stdout).toMatch(/^messages +(\d+) +\1 /m);

    const server = await start({ dataDir, env: { DATABASE_URL: target.url } });
    const url = server.url;

    // Old sessions (bearer and cookie with its CSRF token), the access token and old passwords all still work.
    const { ada, ben, cai } = people;
    expect((await asUser(url, ada).get('/api/auth/me').expect(200)).body.id).toBe(ada.user.id);
    const cookies = `${SESSION_COOKIE}=${ada.token}; ${CSRF_COOKIE}=${encodeURIComponent(ada.csrf)}`;
    await request(url).patch('/api/users/me').set('Cookie', cookies).set(CSRF_HEADER, ada.csrf).send({ statusText: '' }).expect(200);
    const after = await viewOf(url, people, roomId);
    expect(after).toEqual(before);
    expect((await request(url).get('/api/users/me').set('Authorization', `Bearer ${accessToken}`).expect(200)).body.id).toBe(ada.user.id);
    const benAgain = await signIn(url, ben.user.username, ben.password);
    expect(benAgain.user.id).toBe(ben.user.id);
    await request(url).get(`/api/invites/${inviteCode}`).set('Authorization', `Bearer ${cai.token}`).expect(200);

    // The counters carry on: the next message takes the next seq.
    const history = (after['ada'] as { history: Message[] }).history;
    expect(history).toHaveLength(sentBeforeCopy);
    const next = await asUser(url, ben).post(`/api/rooms/${roomId}/messages`).send({ body: 'Hello from PostgreSQL', clientMsgId: randomUUID() }).expect(201);
    expect(next.body.seq).toBe(history[history.length - 1].seq + 1);
    const summary = ((await asUser(url, ada).get('/api/rooms').expect(200)).body as RoomSummary[]).find((r) => r.id === roomId)!;
    expect(summary.unreadCount).toBe((before['ada'] as { rooms: RoomSummary[] }).rooms.find((r) => r.id === roomId)!.unreadCount + 1);
  });

  it('refuses a target that is not empty, a bad URL and a missing file, saying why', async () => {
    const source = `sqlite:${join(dataDir, 'parley.sqlite')}`;
    const notEmpty = await runTool('db-copy', ['--from', source, '--to', target.url]);
    expect(notEmpty.code).toBe(3);
    expect(notEmpty.stderr).toMatch(/Refusing to copy: the target database .* is not empty: .*users \(5 rows\)/);

    const badUrl = await runTool('db-copy', ['--from', source, '--to', 'mysql://root@127.0.0.1/parley']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('--to must be a postgres:// or postgresql:// URL');

    const missing = await runTool('db-copy', ['--from', `sqlite:${join(work, 'nothing-here.sqlite')}`, '--to', target.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nothing-here.sqlite does not exist');

    const notSqlite = join(work, 'notes.txt');
    writeFileSync(notSqlite, 'not a database at all');
    const wrongFile = await runTool('db-copy', ['--from', notSqlite, '--to', target.url]);
    expect(wrongFile.code).toBe(2);
    expect(wrongFile.stderr).toContain('is not a SQLite database');

    const noTarget = await runTool('db-copy', ['--from', source]);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('Both --from and --to are required');
  });
});
