import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ERRORS, type Lock, type Locker, MemoryLocker, type RequestRelease } from '@tus/server';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { FallbackLog, REDIS_PREFIX, RedisScript } from '../redis/redis-script';

/**
 * tus locks: one request at a time may write to an upload. A client that lost its connection and resumes
 * sends a new PATCH while the server may still hold the old one; the new request asks the holder to let go
 * (tus then ends the old request and unlocks) and takes the lock. In one process tus's own MemoryLocker does
 * this; with REDIS_URL, RedisUploadLocker does it across processes. Both are tus `Locker`s.
 */
export const UPLOAD_LOCKER = Symbol('UPLOAD_LOCKER');

export interface RedisLockOptions {
  /** A held lock expires after this long unless renewed (a process that died lets go by itself). */
  leaseMs: number;
  /** How long a request waits for a lock before tus answers it with an error. */
  acquireTimeoutMs: number;
  /** Pause between attempts while another request holds the lock. */
  retryMs: number;
  /** How often a waiting request asks the holder again to let go. */
  askAgainMs: number;
}

const DEFAULTS: RedisLockOptions = { leaseMs: 30_000, acquireTimeoutMs: 30_000, retryMs: 50, askAgainMs: 1000 };

const KEY = (id: string) => `${REDIS_PREFIX}tus:lock:${id}`;
/** Where a waiting request asks the holder, in whichever process, to let go (the message is the upload id). */
const RELEASE_CHANNEL = `${REDIS_PREFIX}tus:release`;

/** Deletes or extends the lock only while it is still ours (its token). */
const UNLOCK = new RedisScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`);
const RENEW = new RedisScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`);

interface Held {
  token: string;
  release: RequestRelease;
  renewal: NodeJS.Timeout;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Upload locks in Redis, shared by every API process: `SET NX PX` with a renewed lease, and a pub/sub channel
 * on which a waiting request asks the holder to release. While Redis is unreachable a lock falls back to this
 * process's memory (as the other shared limits fail open): uploads keep working, and only two processes
 * writing the same upload at that very moment could collide (tus then refuses the second by its offset).
 */
export class RedisUploadLocker implements Locker, OnApplicationShutdown {
  private readonly logger = new Logger('UploadLocks');
  private readonly fallbackLog = new FallbackLog(this.logger, 'Upload locks fall back to this process');
  private readonly fallback = new MemoryLocker();
  private readonly held = new Map<string, Held>();
  private readonly subscriber: Redis;
  private readonly options: RedisLockOptions;
  /** Settles once this process hears release requests (or failed to subscribe: then it falls back). */
  readonly listening: Promise<void>;

  constructor(
    private readonly client: Redis,
    options: Partial<RedisLockOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    // A connection of its own for SUBSCRIBE, which waits for Redis rather than failing while it is down.
    this.subscriber = client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, connectionName: 'parley-tus-locks' });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, id: string) => void this.held.get(id)?.release());
    this.listening = this.subscriber.subscribe(RELEASE_CHANNEL).then(
      () => undefined,
      (err: unknown) => this.fallbackLog.failed(err),
    );
  }

  newLock(id: string): Lock {
    return {
      lock: (signal, release) => this.lock(id, signal, release),
      unlock: () => this.unlock(id),
    };
  }

  private fallbacks = new Map<string, Lock>();

  private async lock(id: string, signal: AbortSignal, release: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.options.acquireTimeoutMs;
    const token = randomBytes(16).toString('hex');
    let askedAt = -Infinity;
    while (!signal.aborted && Date.now() < deadline) {
      let got: string | null;
      try {
        got = await this.client.set(KEY(id), token, 'PX', this.options.leaseMs, 'NX');
      } catch (err) {
        this.fallbackLog.failed(err);
        const local = this.fallback.newLock(id);
        await local.lock(signal, release);
        this.fallbacks.set(id, local);
        return;
      }
      if (got === 'OK') {
        const renewal = setInterval(() => void RENEW.run(this.client, [KEY(id)], [token, this.options.leaseMs]).catch(() => undefined), this.options.leaseMs / 3);
        renewal.unref();
        this.held.set(id, { token, release, renewal });
        return;
      }
      if (Date.now() - askedAt >= this.options.askAgainMs) {
        askedAt = Date.now();
        await this.client.publish(RELEASE_CHANNEL, id).catch(() => undefined);
      }
      await sleep(this.options.retryMs);
    }
    throw ERRORS.ERR_LOCK_TIMEOUT;
  }

  private async unlock(id: string): Promise<void> {
    const local = this.fallbacks.get(id);
    if (local) {
      this.fallbacks.delete(id);
      return local.unlock();
    }
    const mine = this.held.get(id);
    if (!mine) throw new Error('Releasing an unlocked lock!');
    this.held.delete(id);
    clearInterval(mine.renewal);
    await UNLOCK.run(this.client, [KEY(id)], [mine.token]).catch((err: unknown) => this.fallbackLog.failed(err));
  }

  onApplicationShutdown(): void {
    for (const h of this.held.values()) clearInterval(h.renewal);
    this.subscriber.disconnect();
  }
}
