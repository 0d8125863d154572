import type { AppConfig } from '../config/config';
import { SendThrottle } from './send-throttle';
import { MemoryTokenBuckets } from './token-buckets';

const throttle = (rate: number, burst: number) =>
  new SendThrottle(new MemoryTokenBuckets(), { realtime: { sendRatePerSecond: rate, sendBurst: burst } } as AppConfig);

describe('SendThrottle', () => {
  it('allows a burst, then refuses with the wait until the next token', async () => {
    const t = throttle(10, 3);
    expect([await t.take('u', 0), await t.take('u', 0), await t.take('u', 0)]).toEqual([0, 0, 0]);
    expect(await t.take('u', 0)).toBe(100);
    expect(await t.take('u', 50)).toBe(50);
    expect(await t.take('u', 100)).toBe(0);
  });

  it('keeps users apart', async () => {
    const t = throttle(1, 1);
    expect(await t.take('a', 0)).toBe(0);
    expect(await t.take('a', 0)).toBeGreaterThan(0);
    expect(await t.take('b', 0)).toBe(0);
  });

  it('refills at the configured rate but never above the burst', async () => {
    const t = throttle(10, 2);
    await t.take('u', 0);
    await t.take('u', 0);
    // 10 s later the bucket holds 2 tokens, not 100.
    expect([await t.take('u', 10_000), await t.take('u', 10_000), (await t.take('u', 10_000)) > 0]).toEqual([0, 0, true]);
  });
});

describe('MemoryTokenBuckets', () => {
  const rule = { ratePerSecond: 10, burst: 20 };

  it('charges a cost, refuses what the bucket cannot pay without taking anything, and says when it could', () => {
    const b = new MemoryTokenBuckets();
    expect(b.takeNow('k', rule, 15, 0)).toBe(0);
    expect(b.takeNow('k', rule, 10, 0)).toBe(500);
    expect(b.takeNow('k', rule, 5, 0)).toBe(0);
    expect(b.takeNow('k', rule, 1, 0)).toBe(100);
  });

  it('charges a cost above the burst as the whole burst', () => {
    const b = new MemoryTokenBuckets();
    expect(b.takeNow('k', rule, 500, 0)).toBe(0);
    expect(b.takeNow('k', rule, 500, 1000)).toBe(1000);
  });

  it('forgets refilled buckets so memory does not grow with every key', () => {
    const b = new MemoryTokenBuckets();
    for (let i = 0; i < 5000; i++) b.takeNow(`user:${i}`, rule, 1, i);
    const size = (b as unknown as { buckets: Map<string, unknown> }).buckets.size;
    expect(size).toBeLessThan(1100);
  });
});
