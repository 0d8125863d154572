import { MemoryThrottlerStorage } from './memory-throttler-storage';

describe('MemoryThrottlerStorage', () => {
  let now = 1_000_000;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('counts hits in one window and blocks above the limit for the block duration', async () => {
    const s = new MemoryThrottlerStorage(clock);
    const hit = () => s.increment('ip-1', 60_000, 3, 30_000, 'api');
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    now += 10_000;
    expect(await hit()).toEqual({ totalHits: 2, timeToExpire: 50, isBlocked: false, timeToBlockExpire: 0 });
    expect((await hit()).isBlocked).toBe(false);
    expect(await hit()).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 30 });
    now += 20_000;
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 10 });
    // Other addresses and other throttlers are counted apart.
    expect(await s.increment('ip-2', 60_000, 3, 30_000, 'api')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await s.increment('ip-1', 60_000, 3, 30_000, 'auth')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('starts a new window after the block ends, and after the window ends', async () => {
    const s = new MemoryThrottlerStorage(clock);
    const hit = () => s.increment('ip-3', 60_000, 1, 200, 'api');
    expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(true);
    now += 250;
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
    now += 60_000;
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('without a block duration refuses until the window ends', async () => {
    const s = new MemoryThrottlerStorage(clock);
    const hit = () => s.increment('ip-4', 1_000, 2, 0, 'api');
    await hit();
    await hit();
    expect(await hit()).toMatchObject({ totalHits: 3, isBlocked: true, timeToBlockExpire: 1 });
    now += 1_000;
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('forgets addresses whose windows have ended', async () => {
    const s = new MemoryThrottlerStorage(clock);
    for (let i = 0; i < 100; i++) await s.increment(`ip-${i}`, 60_000, 10, 0, 'api');
    expect(s.size).toBe(100);
    now += 61_000;
    await s.increment('ip-new', 60_000, 10, 0, 'api');
    expect(s.size).toBe(1);
  });
});
