import { Message, PRESENCE_QUERY_MAX, ReceiptEvent, SocketError, SYNC_ANSWER_MESSAGES_MAX, SYNC_ANSWER_TEXT_MAX, SYNC_ROOM_LIMIT, SyncResult } from '@parley/contracts';
import type { RunningServer } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { closeSockets, createRoom, send, socketFor } from './support/chat';
import { startOn } from './support/database-targets';
import { Signed, signUp } from './support/factories';
import { call, ClientSocket, errorOf, next, record, sleep } from './support/sockets';

afterEach(closeSockets);

/** Sends `n` messages as fast as the server takes them (the test server's send limit is lifted). */
async function fill(s: ClientSocket, roomId: string, n: number): Promise<Message[]> {
  const out: Message[] = [];
  for (let i = 0; i < n; i += 100) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, k) => send(s, roomId, `message ${i + k + 1}`)))));
  }
  return out;
}

const isError = (answer: unknown): answer is { error: SocketError } => Boolean(errorOf(answer));

describe('limits on socket events (one client cannot take the server for itself)', () => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    // Sends are not what is measured here: lift their limit so the scene is quick to set.
    server = await startOn('sqlite', { env: { SOCKET_SEND_RATE_PER_SECOND: '100000', SOCKET_SEND_BURST: '100000' } });
    url = server.url;
  });
  afterAll(() => server?.dispose());

  it('answers a sync flood with rate_limited (and when to retry) after the burst, and syncs again after waiting', async () => {
    const [ana, ben] = [await signUp(url), await signUp(url)];
    const room = await createRoom(url, ana, [ben]);
    const sa = await socketFor(url, ana);
    await fill(sa, room.id, 50);
    const sb = await socketFor(url, ben);
    const answers: unknown[] = [];
    // One at a time, so the per-socket cap on waiting requests is not what refuses them.
    for (let i = 0; i < 40; i++) answers.push(await call(sb, 'sync', { since: { [room.id]: 0 } }));
    const served = answers.filter((a) => !isError(a)) as SyncResult[];
    const refused = answers.filter(isError);
    // A sync of one room costs 5 of the 60 tokens in the bucket, which refills at 20 a second.
    expect(served.length).toBeGreaterThanOrEqual(12);
    expect(served.length).toBeLessThan(20);
    expect(served[0].rooms[0].messages).toHaveLength(50);
    for (const r of refused) {
      expect(r.error.code).toBe('rate_limited');
      expect(r.error.retryAfterMs).toBeGreaterThan(0);
    }
    // Others are untouched: Ana's sync right now is answered.
    expect(isError(await call(sa, 'sync', { since: { [room.id]: 0 } }))).toBe(false);
    await sleep(refused[refused.length - 1].error.retryAfterMs! + 50);
    expect(isError(await call(sb, 'sync', { since: { [room.id]: 0 } }))).toBe(false);
  });

  it(`bounds a sync answer: at most ${SYNC_ROOM_LIMIT} messages a room and ${SYNC_ANSWER_MESSAGES_MAX} in all, the rest pending`, async () => {
    const ana = await signUp(url);
    const rooms = [await createRoom(url, ana, []), await createRoom(url, ana, []), await createRoom(url, ana, [])];
    const s = await socketFor(url, ana);
    for (const r of rooms) await fill(s, r.id, 600);
    const quiet = await createRoom(url, ana, []);
    const since = Object.fromEntries([...rooms, quiet].map((r) => [r.id, 0]));

    const first = (await call(s, 'sync', { since })) as SyncResult;
    const total = first.rooms.reduce((n, r) => n + r.messages.length, 0);
    expect(total).toBe(SYNC_ANSWER_MESSAGES_MAX);
    expect(first.rooms.find((r) => r.roomId === quiet.id)).toEqual({ roomId: quiet.id, messages: [], lastSeq: 0, lastRev: 0, hasMore: false });
    const full = first.rooms.filter((r) => r.messages.length > 0);
    expect(full.map((r) => r.messages.length)).toEqual([SYNC_ROOM_LIMIT, SYNC_ANSWER_MESSAGES_MAX - SYNC_ROOM_LIMIT]);
    expect(full.every((r) => r.hasMore && r.lastSeq === r.messages[r.messages.length - 1].seq)).toBe(true);
    expect(first.pending).toEqual([rooms[2].id]);

    // Following the cursors (as the web app does) brings everything, each message once.
    const got = new Map<string, number[]>();
    let cursors: { since: Record<string, number> } | null = { since };
    let answer = first;
    for (let round = 0; cursors && round < 10; round++) {
      if (round > 0) answer = (await call(s, 'sync', cursors)) as SyncResult;
      for (const r of answer.rooms) got.set(r.roomId, [...(got.get(r.roomId) ?? []), ...r.messages.map((m) => m.seq)]);
      const nextSince: Record<string, number> = {};
      for (const r of answer.rooms) if (r.hasMore) nextSince[r.roomId] = r.lastSeq;
      for (const id of answer.pending) nextSince[id] = cursors.since[id];
      cursors = Object.keys(nextSince).length ? { since: nextSince } : null;
    }
    for (const r of rooms) expect(got.get(r.id)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
  });

  it(`bounds a sync answer by text too: about ${SYNC_ANSWER_TEXT_MAX.toLocaleString('en')} characters`, async () => {
    const ana = await signUp(url);
    const room = await createRoom(url, ana, []);
    const s = await socketFor(url, ana);
    const body = 'x'.repeat(7000);
    for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: 100 }, () => send(s, room.id, body)));
    const first = (await call(s, 'sync', { since: { [room.id]: 0 } })) as SyncResult;
    const got = first.rooms[0];
    expect(got.hasMore).toBe(true);
    expect(got.messages.length).toBe(Math.floor(SYNC_ANSWER_TEXT_MAX / 7000));
    expect(got.lastSeq).toBe(got.messages[got.messages.length - 1].seq);
    const second = (await call(s, 'sync', { since: { [room.id]: got.lastSeq } })) as SyncResult;
    expect(second.rooms[0].messages[0].seq).toBe(got.lastSeq + 1);
  });

  it('closes the socket of a client that does not read its answers, and nobody else is slowed down', async () => {
    const [ana, ben] = [await signUp(url), await signUp(url)];
    const room = await createRoom(url, ana, []);
    const greedy = await socketFor(url, ana);
    // About a million characters a sync answer: more than the kernel's socket buffers hold after a few.
    for (let i = 0; i < 2; i++) await Promise.all(Array.from({ length: 75 }, () => send(greedy, room.id, 'y'.repeat(7000))));
    const sb = await socketFor(url, ben);
    // Stop reading (the TCP socket under socket.io-client's WebSocket), then keep asking.
    const tcp = (greedy.io as unknown as { engine: { transport: { ws: { _socket: { pause(): void; resume(): void } } } } }).engine.transport.ws._socket;
    tcp.pause();
    const gone = new Promise<string>((resolve) => greedy.once('disconnect', resolve));
    for (let i = 0; i < 60; i++) {
      greedy.emit('sync', { since: { [room.id]: 0 } }, () => undefined);
      await sleep(100);
    }
    tcp.resume();
    expect(await Promise.race([gone, sleep(5000).then(() => 'still connected')])).toMatch(/transport close|io server disconnect/);
    expect(errorOf(await call(sb, 'typing', { roomId: (await createRoom(url, ben, [])).id }))).toBeUndefined();
  });

  it(`caps presence queries at ${PRESENCE_QUERY_MAX} users`, async () => {
    const ana = await signUp(url);
    const s = await socketFor(url, ana);
    const ids = Array.from({ length: PRESENCE_QUERY_MAX + 1 }, () => randomUUID());
    expect(errorOf(await call(s, 'presence:query', { userIds: ids }))).toMatchObject({
      code: 'validation_failed',
      message: `userIds may hold at most ${PRESENCE_QUERY_MAX} ids`,
    });
    expect(isError(await call(s, 'presence:query', { userIds: ids.slice(1) }))).toBe(false);
  });
});

describe('read receipts', () => {
  let server: RunningServer;
  let url: string;
  let ana: Signed;
  let ben: Signed;
  let cal: Signed;
  beforeAll(async () => {
    server = await startOn('sqlite', { env: { SOCKET_SEND_RATE_PER_SECOND: '100000', SOCKET_SEND_BURST: '100000' } });
    url = server.url;
    [ana, ben, cal] = [await signUp(url), await signUp(url), await signUp(url)];
  });
  afterAll(() => server?.dispose());

  it('announces only a read marker that moves', async () => {
    const room = await createRoom(url, ana, [ben, cal]);
    const [sa, sb, sc] = [await socketFor(url, ana), await socketFor(url, ben), await socketFor(url, cal)];
    const msgs = await fill(sa, room.id, 3);
    const bystander = record(sc, 'receipt');
    const moved = next(sc, 'receipt');
    expect(await call(sb, 'room:read', { roomId: room.id, seq: msgs[2].seq })).toEqual({ roomId: room.id, lastReadSeq: 3 });
    expect(await moved).toEqual({ roomId: room.id, userId: ben.user.id, seq: 3 });
    await sleep(600);
    for (let i = 0; i < 20; i++) await call(sb, 'room:read', { roomId: room.id, seq: i % 2 ? 3 : 1 });
    await sleep(700);
    expect(bystander).toHaveLength(1);
  });

  it('coalesces a burst of moves into the first and the latest', async () => {
    const room = await createRoom(url, ana, [ben, cal]);
    const [sa, sb, sc] = [await socketFor(url, ana), await socketFor(url, ben), await socketFor(url, cal)];
    const msgs = await fill(sa, room.id, 40);
    const seen: ReceiptEvent[] = record(sc, 'receipt');
    for (const m of msgs) await call(sb, 'room:read', { roomId: room.id, seq: m.seq });
    await sleep(1200);
    const bens = seen.filter((r) => r.userId === ben.user.id);
    expect(bens.length).toBeGreaterThanOrEqual(2);
    expect(bens.length).toBeLessThanOrEqual(4);
    expect(bens[0].seq).toBe(1);
    expect(bens[bens.length - 1].seq).toBe(40);
  });
});
