import type { AppConfig } from '../config/config';
import { MemoryTokenBuckets } from '../limits/token-buckets';
import type { ParleySocket } from '../realtime/realtime.service';
import { eventCost, SOCKET_BACKLOG_PACKETS_MAX, SOCKET_IN_FLIGHT_MAX, SocketLimits } from './socket-limits';

const config = { realtime: { eventRatePerSecond: 20, eventBurst: 60 } } as AppConfig;

/** A socket as far as the limits look at it: its user, what is queued for its client, and whether it was closed. */
function fakeSocket(userId = 'u1', queued = 0, packet = '') {
  const socket = {
    data: { userId },
    conn: { writeBuffer: Array.from({ length: queued }, () => ({ data: packet })), transport: { socket: { bufferedAmount: 0 } } },
    closed: false,
    disconnect() {
      socket.closed = true;
    },
  };
  return socket as unknown as ParleySocket & { closed: boolean };
}

/** A handler that stays running until `release()`. */
function held() {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return { release, handler: async () => (await done, 'answered') };
}

describe('SocketLimits', () => {
  it(`lets a socket have ${SOCKET_IN_FLIGHT_MAX} reads running and refuses the next until one finishes`, async () => {
    const limits = new SocketLimits(new MemoryTokenBuckets(), config);
    const s = fakeSocket();
    const running = Array.from({ length: SOCKET_IN_FLIGHT_MAX }, () => held());
    const answers = running.map((h) => limits.run(s, 'room:read', {}, h.handler));
    expect(await limits.run(s, 'room:read', {}, async () => 'ran')).toEqual({
      error: { code: 'rate_limited', message: `You have ${SOCKET_IN_FLIGHT_MAX} requests waiting for an answer; wait for them first`, retryAfterMs: 100 },
    });
    running[0].release();
    expect(await answers[0]).toBe('answered');
    expect(await limits.run(s, 'room:read', {}, async () => 'ran')).toBe('ran');
    // Message writes are bounded by the write bucket instead, and another socket has its own count.
    expect(await limits.run(s, 'message:send', {}, async () => 'sent')).toBe('sent');
    expect(await limits.run(fakeSocket('u2'), 'typing', {}, async () => 'typed')).toBe('typed');
    for (const h of running) h.release();
    await Promise.all(answers);
  });

  it('counts events that arrive together before any of them has asked the bucket', async () => {
    const limits = new SocketLimits(new MemoryTokenBuckets(), config);
    const s = fakeSocket();
    const answers = await Promise.all(Array.from({ length: 11 }, () => limits.run(s, 'presence:query', { userIds: ['x'] }, async () => 'ok')));
    expect(answers.filter((a) => a === 'ok')).toHaveLength(SOCKET_IN_FLIGHT_MAX);
  });

  it('charges each user for all of their sockets, by what the event costs, and says when to retry', async () => {
    // Time stands still: on a busy machine the loop may take long enough for the bucket to refill a token.
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.now());
    const limits = new SocketLimits(new MemoryTokenBuckets(), config);
    const tabs = [fakeSocket(), fakeSocket(), fakeSocket()];
    let served = 0;
    for (let i = 0; i < 30; i++) {
      const answer = await limits.run(tabs[i % 3], 'sync', { since: { a: 0 } }, async () => 'synced');
      if (answer === 'synced') served += 1;
      else expect((answer as { error: { retryAfterMs: number } }).error.retryAfterMs).toBeGreaterThan(0);
    }
    expect(served).toBe(60 / eventCost('sync', { since: { a: 0 } }));
    now.mockRestore();
  });

  it("runs one user's heavy reads one at a time, in order", async () => {
    const limits = new SocketLimits(new MemoryTokenBuckets(), config);
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const read = (name: string) => async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      order.push(name);
      running -= 1;
      return name;
    };
    const [a, b] = [fakeSocket(), fakeSocket()];
    await Promise.all([limits.run(a, 'sync', {}, read('one')), limits.run(b, 'sync', {}, read('two')), limits.run(a, 'presence:query', {}, read('three'))]);
    expect(order).toEqual(['one', 'two', 'three']);
    expect(most).toBe(1);
  });

  it('closes the socket of a client that is not reading what it was sent, and runs nothing for it', async () => {
    const limits = new SocketLimits(new MemoryTokenBuckets(), config);
    const s = fakeSocket('u1', SOCKET_BACKLOG_PACKETS_MAX + 1);
    let ran = false;
    expect(await limits.run(s, 'sync', { since: {} }, async () => (ran = true))).toBeNull();
    expect(s.closed).toBe(true);
    expect(ran).toBe(false);
  });

  it('counts the size of the packets held for a client, not only their number', async () => {
    const limits = new SocketLimits(new MemoryTokenBuckets(), config);
    const s = fakeSocket('u1', 9, 'x'.repeat(1024 * 1024));
    expect(await limits.run(s, 'typing', {}, async () => 'typed')).toBeNull();
    expect(s.closed).toBe(true);
  });

  it('prices a sync by its rooms and a presence query by its users', () => {
    expect(eventCost('typing', { roomId: 'r' })).toBe(1);
    expect(eventCost('sync', { since: {} })).toBe(4);
    expect(eventCost('sync', { since: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`r${i}`, 0])) })).toBe(24);
    expect(eventCost('presence:query', { userIds: new Array(100).fill('x') })).toBe(5);
    expect(eventCost('sync', 'garbage')).toBe(4);
  });
});
