import type { AppConfig } from '../config/config';
import { SendThrottle } from './send-throttle';

const throttle = (rate: number, burst: number) =>
  new SendThrottle({ realtime: { sendRatePerSecond: rate, sendBurst: burst } } as AppConfig);

describe('SendThrottle', () => {
  it('allows a burst, then refuses with the wait until the next token', () => {
    const t = throttle(10, 3);
    expect([t.take('u', 0), t.take('u', 0), t.take('u', 0)]).toEqual([0, 0, 0]);
    expect(t.take('u', 0)).toBe(100);
    expect(t.take('u', 50)).toBe(50);
    expect(t.take('u', 100)).toBe(0);
  });

  it('keeps users apart', () => {
    const t = throttle(1, 1);
    expect(t.take('a', 0)).toBe(0);
    expect(t.take('a', 0)).toBeGreaterThan(0);
    expect(t.take('b', 0)).toBe(0);
  });

  it('refills at the configured rate but never above the burst', () => {
    const t = throttle(10, 2);
    t.take('u', 0);
    t.take('u', 0);
    // 10 s later the bucket holds 2 tokens, not 100.
    expect([t.take('u', 10_000), t.take('u', 10_000), t.take('u', 10_000) > 0]).toEqual([0, 0, true]);
  });
});
