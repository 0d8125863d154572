import type { AppConfig } from '../config/config';
import { MemoryTokenBuckets } from '../limits/token-buckets';
import type { ParleySocket } from '../realtime/realtime.service';
import { eventCost, SOCKET_BACKLOG_PACKETS_MAX, SOCKET_IN_FLIGHT_MAX, SocketLimits } from './socket-limits';

const config = { realtime: { eventRatePerSecond: 20, eventBurst: 60 } } as AppConfig;

/** A socket as far as the limits look at it: its user and what is queued for its client. */
function fakeSocket(userId = 'u1', queued = 0): ParleySocket {
  return { data: { userId }, conn: { writeBuffer: new Array(queued), transport: { socket: { bufferedAmount: 0 } } } } as unknown as ParleySocket;
}

describe('SocketLimits', () => {
  it(`lets a socket have ${SOCKET_IN_FLIGHT_MAX} reads running and refuses the next until one finishes`, async () => {
    const limits = new SocketLimits(new MemoryTokenBuckets(), config);
    const s = fakeSocket();
    const admitted = await Promise.all(Array.from({ length: SOCKET_IN_FLIGHT_MAX }, () => limits.admit(s, 'room:read', {})));
    expect(admitted.every((a) => a === null)).toBe(true);
    expect(await limits.admit(s, 'room:read', {})).toMatchObject({ code: 'rate_limited', message: `You have ${SOCKET_IN_FLIGHT_MAX} requests waiting for an answer; wait for them first` });
    limits.done(s, 'room:read');
    expect(await limits.admit(s, 'room:read', {})).toBeNull();
    // Message writes are bounded by the write bucket instead, and another socket has its own count.
    expect(await limits.admit(s, 'message:send', {})).toBeNull();
    expect(await limits.admit(fakeSocket('u2'), 'typing', {})).toBeNull();
  });

  it('counts events that arrive together before any of them has asked the bucket', async () => {
    const limits = new SocketLimits(new MemoryTokenBuckets(), config);
    const s = fakeSocket();
    const answers = await Promise.all(Array.from({ length: 11 }, () => limits.admit(s, 'presence:query', { userIds: ['x'] })));
    expect(answers.filter((a) => a === null)).toHaveLength(SOCKET_IN_FLIGHT_MAX);
  });

  it('charges each user for all of their sockets, by what the event costs, and says when to retry', async () => {
    const limits = new SocketLimits(new MemoryTokenBuckets(), config);
    const tabs = [fakeSocket(), fakeSocket(), fakeSocket()];
    let served = 0;
    for (let i = 0; i < 30; i++) {
      const tab = tabs[i % 3];
      const refused = await limits.admit(tab, 'sync', { since: { a: 0 } });
      if (refused === null) {
        served += 1;
        limits.done(tab, 'sync');
      } else {
        expect(refused.retryAfterMs).toBeGreaterThan(0);
      }
    }
    expect(served).toBe(60 / eventCost('sync', { since: { a: 0 } }));
  });

  it('refuses work for a client that is not reading what it was sent', async () => {
    const limits = new SocketLimits(new MemoryTokenBuckets(), config);
    const refused = await limits.admit(fakeSocket('u1', SOCKET_BACKLOG_PACKETS_MAX + 1), 'sync', { since: {} });
    expect(refused).toMatchObject({ code: 'rate_limited', message: 'Your connection has not read the earlier answers yet; read them first' });
  });

  it('prices a sync by its rooms and a presence query by its users', () => {
    expect(eventCost('typing', { roomId: 'r' })).toBe(1);
    expect(eventCost('sync', { since: {} })).toBe(4);
    expect(eventCost('sync', { since: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`r${i}`, 0])) })).toBe(24);
    expect(eventCost('presence:query', { userIds: new Array(100).fill('x') })).toBe(5);
    expect(eventCost('sync', 'garbage')).toBe(4);
  });
});
