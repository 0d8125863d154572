import { HealthResponse, Message, Presence, SyncResult } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { closeSockets, createRoom, ensureFriends, send, socketFor, track } from './support/chat';
import { sameInstallationAs, startOn } from './support/database-targets';
import { CSRF_HEADER, Signed, signIn, signUp } from './support/factories';
import { PrivateRedis, startPrivateRedis } from './support/redis';
import { call, ClientSocket, connect, errorOf, next, record, refusal, sleep, whenDisconnected, within } from './support/sockets';

/**
 * Two API processes on one PostgreSQL database and a private redis-server: what a user on one process does
 * reaches users on the other, limits hold across both, and neither Redis going away nor a process dying
 * loses an acknowledged message.
 */
const GRACE_MS = 300;
const SEND_BURST = 30;
const SOCKETS_MAX = 3;

let redis: PrivateRedis;
let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  redis = await startPrivateRedis();
  const env = {
    REDIS_URL: redis.url,
    SECRET_KEY: randomBytes(32).toString('hex'),
    PRESENCE_OFFLINE_GRACE_MS: String(GRACE_MS),
    SOCKET_SEND_RATE_PER_SECOND: '5',
    SOCKET_SEND_BURST: String(SEND_BURST),
    SOCKETS_PER_USER_MAX: String(SOCKETS_MAX),
  };
  a = await startOn('postgres', { env });
  b = await startServer({ env: { ...env, ...sameInstallationAs(a) } });
}, 60_000);

afterAll(async () => {
  await b?.dispose();
  await a?.dispose();
  await redis?.stop();
});

afterEach(closeSockets);

const health = async (server: RunningServer) => (await request(server.url).get('/api/health')).body as HealthResponse;

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

/** Everything the user can read in the room, from the start, through `sync` (as a client catching up does). */
async function syncAll(s: ClientSocket, roomId: string): Promise<Message[]> {
  const all: Message[] = [];
  let since = 0;
  for (;;) {
    const res = (await call(s, 'sync', { since: { [roomId]: since } })) as SyncResult;
    const r = res.rooms[0];
    all.push(...r.messages);
    since = r.lastSeq;
    if (!r.hasMore) return all;
  }
}

/** What a client shows: the messages it got live and by `sync`, one per seq (clients drop repeats by seq). */
function shown(...sources: Message[][]): Message[] {
  const bySeq = new Map<number, Message>();
  for (const list of sources) for (const m of list) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
}

function expectEveryAckedShownOnce(view: Message[], acked: Message[]): void {
  expect(view.map((m) => m.seq)).toEqual(view.map((_, i) => i + 1)); // gapless, in order
  const byClientId = new Map<string, Message[]>();
  for (const m of view) if (m.clientMsgId) byClientId.set(m.clientMsgId, [...(byClientId.get(m.clientMsgId) ?? []), m]);
  for (const m of acked) expect(byClientId.get(m.clientMsgId!)).toEqual([m]);
}

describe('two API processes sharing Redis', () => {
  it('reports Redis in the health check', async () => {
    expect(await health(a)).toMatchObject({ status: 'ok', redis: 'ok', reasons: [], database: 'postgres' });
    expect(await health(b)).toMatchObject({ status: 'ok', redis: 'ok' });
  });

  it('lets users on different processes exchange messages, typing, receipts and presence', async () => {
    const [ana, ben] = await Promise.all([signUp(a.url), signUp(b.url)]);
    await ensureFriends(a.url, ana, ben);
    const room = await createRoom(a.url, ana, [ben]);
    const benOnB = await socketFor(b.url, ben);

    const anaOnline = next(benOnB, 'presence', (p: Presence) => p.userId === ana.user.id && p.status === 'online', 10_000);
    const anaOnA = await socketFor(a.url, ana);
    expect(await anaOnline).toEqual({ userId: ana.user.id, status: 'online', lastSeenAt: null });
    expect(await call(benOnB, 'presence:query', { userIds: [ana.user.id] })).toEqual({ presence: [{ userId: ana.user.id, status: 'online', lastSeenAt: null }] });

    const arrives = next(benOnB, 'message:new');
    const sent = await call(anaOnA, 'message:send', { roomId: room.id, clientMsgId: randomUUID(), body: 'hello from process A' });
    expect(errorOf(sent)).toBeUndefined();
    expect(await arrives).toEqual((sent as { message: Message }).message);

    const typing = next(benOnB, 'typing');
    await call(anaOnA, 'typing', { roomId: room.id });
    expect(await typing).toMatchObject({ roomId: room.id, userId: ana.user.id });

    const receipt = next(anaOnA, 'receipt', (r) => r.userId === ben.user.id, 10_000);
    await call(benOnB, 'room:read', { roomId: room.id, seq: (sent as { message: Message }).message.seq });
    expect(await receipt).toEqual({ roomId: room.id, userId: ben.user.id, seq: (sent as { message: Message }).message.seq });

    const away = next(benOnB, 'presence', (p: Presence) => p.userId === ana.user.id, 10_000);
    await call(anaOnA, 'presence:activity', { state: 'idle' });
    expect(await away).toMatchObject({ status: 'away' });

    // Ana's second tab, on the other process: closing the first leaves her online (active on B).
    const back = next(benOnB, 'presence', (p: Presence) => p.userId === ana.user.id, 10_000);
    const anaOnB = await socketFor(b.url, ana);
    expect(await back).toMatchObject({ status: 'online' });
    const seen = record(benOnB, 'presence');
    anaOnA.close();
    await sleep(GRACE_MS * 3);
    expect(seen.filter((p) => p.userId === ana.user.id)).toEqual([]);
    expect(await call(benOnB, 'presence:query', { userIds: [ana.user.id] })).toMatchObject({ presence: [{ status: 'online' }] });

    // Closing the last tab: offline once, after the grace period, with a last-seen time.
    anaOnB.close();
    await until('ana is announced offline', () => seen.some((p) => p.userId === ana.user.id && p.status === 'offline'));
    await sleep(GRACE_MS * 3);
    const offline = seen.filter((p) => p.userId === ana.user.id);
    expect(offline).toHaveLength(1);
    expect(offline[0]).toMatchObject({ status: 'offline', lastSeenAt: expect.any(String) });
  });

  it('ends sessions on every process: logout, logout-all, token revocation and password change on one disconnect sockets on the other', async () => {
    const ana = await signUp(a.url);
    const onB = await socketFor(b.url, ana);
    const ended = next(onB, 'session:ended');
    const gone = whenDisconnected(onB);
    expect((await request(a.url).post('/api/auth/logout').set('Authorization', `Bearer ${ana.token}`)).status).toBe(204);
    expect(await within(ended, 5000, 'session:ended on B after logout on A')).toEqual({ reason: 'logout' });
    await within(gone, 5000, 'the socket on B closing after logout on A');

    // Logout-all from B closes the other session's socket on A, and the caller's too.
    const ben = await signUp(b.url);
    const other = await signIn(a.url, ben.user.username, ben.password);
    const otherOnA = await socketFor(a.url, other);
    const ownOnA = await socketFor(a.url, ben);
    const otherGone = whenDisconnected(otherOnA);
    const ownGone = whenDisconnected(ownOnA);
    expect((await request(b.url).post('/api/auth/logout-all').set('Authorization', `Bearer ${ben.token}`)).status).toBe(204);
    await within(Promise.all([otherGone, ownGone]), 5000, 'both sockets on A closing after logout-all on B');

    // A personal access token revoked through B closes its socket on A.
    const cy = await signUp(b.url);
    const pat = await cy.agent.post('/api/auth/tokens').set(CSRF_HEADER, cy.csrf).send({ name: 'bot' });
    const viaPat = track(await connect(a.url, { token: pat.body.token }));
    const patGone = whenDisconnected(viaPat);
    expect((await cy.agent.delete(`/api/auth/tokens/${pat.body.id}`).set(CSRF_HEADER, cy.csrf)).status).toBe(204);
    await within(patGone, 5000, 'the token\u2019s socket on A closing after revocation on B');

    // A password change on A ends the other session's socket on B and keeps the one that made the change.
    const cyElsewhere = await signIn(a.url, cy.user.username, cy.password);
    const keep = await socketFor(b.url, cy);
    const drop = await socketFor(b.url, cyElsewhere);
    const dropGone = whenDisconnected(drop);
    const change = await request(a.url)
      .put('/api/users/me/password')
      .set('Authorization', `Bearer ${cy.token}`)
      .send({ currentPassword: cy.password, newPassword: `another ${randomUUID()} passphrase` });
    expect(change.status).toBeLessThan(300);
    await within(dropGone, 5000, 'the other session\u2019s socket on B closing after a password change on A');
    await sleep(200);
    expect(keep.connected).toBe(true);
  });

  it('holds one send limit for a user across both processes', async () => {
    const ana = await signUp(a.url);
    const room = await createRoom(a.url, ana, []);
    const [onA, onB] = await Promise.all([socketFor(a.url, ana), socketFor(b.url, ana)]);
    // Twice the burst at once, half through each process: each alone would allow all of them.
    const answers = await Promise.all(
      Array.from({ length: SEND_BURST * 2 }, (_, i) => call(i % 2 ? onA : onB, 'message:send', { roomId: room.id, clientMsgId: randomUUID(), body: `#${i}` })),
    );
    const accepted = answers.filter((x) => !errorOf(x)).length;
    expect(answers.filter((x) => errorOf(x)?.code === 'rate_limited').length).toBe(answers.length - accepted);
    expect(accepted).toBeGreaterThanOrEqual(SEND_BURST);
    expect(accepted).toBeLessThan(SEND_BURST + 5); // the refill during the run, at 5 a second
  });

  it("caps a user's open sockets over both processes", async () => {
    const ana = await signUp(a.url);
    const first = await socketFor(a.url, ana);
    await socketFor(a.url, ana);
    await socketFor(b.url, ana);
    expect((await refusal(b.url, { token: ana.token })).code).toBe('too_many_connections');
    expect((await refusal(a.url, { token: ana.token })).code).toBe('too_many_connections');
    first.close();
    // The closed socket's registration is released as its disconnect is handled.
    let s: ClientSocket | null = null;
    await until('a socket on B is admitted again', async () => {
      s = await connect(b.url, { token: ana.token }).catch(() => null);
      return s !== null;
    });
    track(s!);
  });

  it('keeps committing while Redis is down; after Redis is back live delivery resumes, connected clients are told to sync, and sync shows every acked message once', async () => {
    const [ana, ben] = await Promise.all([signUp(a.url), signUp(b.url)]);
    // Several senders, so the per-user send limit does not pace the test.
    const senders = await Promise.all([0, 1, 2].map(() => signUp(a.url)));
    const room = await createRoom(a.url, ana, [ben, ...senders]);
    const benOnB = await socketFor(b.url, ben);
    const live = record(benOnB, 'message:new');
    const hints = record(benOnB, 'sync:needed');
    const sockets = await Promise.all(senders.map((s) => socketFor(a.url, s)));
    const acked: Message[] = [];
    let stop = false;
    const pumps = sockets.map(async (s, lane) => {
      for (let i = 0; !stop; i++) {
        const answer = await call(s, 'message:send', { roomId: room.id, clientMsgId: `r${lane}-${i}`, body: `lane ${lane} #${i}` });
        if (!errorOf(answer)) acked.push((answer as { message: Message }).message);
        else await sleep(errorOf(answer)!.retryAfterMs ?? 100);
      }
    });
    await until('some messages are delivered live', () => live.length >= 10);

    await redis.kill();
    await until('A reports Redis unreachable', async () => (await health(a)).status === 'degraded');
    const down = await health(a);
    expect(down).toMatchObject({ status: 'degraded', redis: 'unreachable', ready: true });
    expect(down.reasons[0]).toMatch(/Redis/);
    const ackedBefore = acked.length;
    await until('sends are acked while Redis is down', () => acked.length >= ackedBefore + 20);

    await redis.restart();
    await until('both report Redis again', async () => (await health(a)).redis === 'ok' && (await health(b)).redis === 'ok');
    // Ben's socket stayed connected through the outage and missed broadcasts: his process tells him to sync.
    await until('B tells its connected sockets to sync', () => hints.length >= 1);
    expect(hints[0]).toEqual({ reason: 'redis_restored' });
    expect(benOnB.connected).toBe(true);
    const resumedFrom = acked.length;
    await until('live delivery resumes', () => live.some((m) => acked.findIndex((x) => x.id === m.id) >= resumedFrom));
    stop = true;
    await Promise.all(pumps);

    const view = shown(live, await syncAll(benOnB, room.id));
    expectEveryAckedShownOnce(view, acked);
    expect(acked.length).toBeGreaterThan(ackedBefore + 20);
  });

  it('keeps every acked message when one process is killed under load; its clients reconnect to the other', async () => {
    const [ana, ben] = await Promise.all([signUp(a.url), signUp(b.url)]);
    const senders = await Promise.all([0, 1, 2].map(() => signUp(a.url)));
    const room = await createRoom(a.url, ana, [ben, ...senders]);
    const benOnB = await socketFor(b.url, ben);
    const live = record(benOnB, 'message:new');
    const acked: Message[] = [];
    let stop = false;
    const pumps = senders.map(async (who: Signed, lane) => {
      let s = await connect(a.url, { token: who.token });
      let i = 0;
      while (!stop) {
        const clientMsgId = `k${lane}-${i}`;
        try {
          const answer = await call(s, 'message:send', { roomId: room.id, clientMsgId, body: `lane ${lane} #${i}` }, 2000);
          if (errorOf(answer)) await sleep(errorOf(answer)!.retryAfterMs ?? 100);
          else {
            acked.push((answer as { message: Message }).message);
            i++;
          }
        } catch {
          // No ack: the process is gone. Reconnect to the other one (as a load balancer would send us) and
          // send the same message again: clientMsgId makes the retry idempotent.
          s.close();
          s = await connect(b.url, { token: who.token });
        }
      }
      s.close();
    });
    await until('messages flow', () => acked.length >= 60);
    await a.stop('SIGKILL');
    const killedAt = acked.length;
    await until('the clients send through B', () => acked.length >= killedAt + 30);
    stop = true;
    await Promise.all(pumps);

    const view = shown(live, await syncAll(benOnB, room.id));
    expectEveryAckedShownOnce(view, acked);
  });
});

describe('a process whose Redis is unreachable from the start', () => {
  it('starts, answers health as degraded (200), and still commits and acks sends', async () => {
    const server = await startServer({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const res = await request(server.url).get('/api/health').expect(200);
      expect(res.body).toMatchObject({ status: 'degraded', redis: 'unreachable', ready: true });
      expect(res.body.reasons).toEqual([expect.stringMatching(/Redis is unreachable/)]);
      const ana = await signUp(server.url);
      const room = await createRoom(server.url, ana, []);
      const s = await socketFor(server.url, ana);
      expect((await send(s, room.id, 'saved without Redis')).body).toBe('saved without Redis');
      const history = await request(server.url).get(`/api/rooms/${room.id}/messages`).set('Authorization', `Bearer ${ana.token}`).expect(200);
      expect(JSON.stringify(history.body)).toContain('saved without Redis');
    } finally {
      await server.dispose();
    }
  });
});
