import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis, RedisOptions } from 'ioredis';

/** What `/api/health` and the logs say about Redis. */
export type RedisStatus = { state: 'off' } | { state: 'ok' } | { state: 'unreachable'; reason: string };

/** Wait between reconnection attempts: quick at first, then every 2 s, forever. */
const retryDelay = (attempt: number) => Math.min(attempt * 100, 2000);

/**
 * The one Redis connection of this process (REDIS_URL), shared by every Redis-backed store. Unset: `client`
 * is null and nothing connects. It reconnects forever and never throws at the process: while Redis is down
 * every command fails at once (no offline queue), so callers fall back instead of waiting.
 */
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: Redis | null;
  private lastError = 'not connected yet';
  private readonly extra: Redis[] = [];
  private readonly restoredListeners: (() => void)[] = [];

  constructor(private readonly url: string | undefined) {
    if (!url) {
      this.client = null;
      return;
    }
    this.client = new Redis(url, this.options({ enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'parley' }));
    this.watch(this.client, 'main');
  }

  get enabled(): boolean {
    return this.client !== null;
  }

  status(): RedisStatus {
    if (!this.client) return { state: 'off' };
    if (this.client.status === 'ready') return { state: 'ok' };
    return { state: 'unreachable', reason: `Redis is unreachable (${this.lastError}); live delivery between processes is paused` };
  }

  /**
   * The client the Socket.IO streams adapter publishes with, whose `duplicate()` gives the connections it
   * reads the stream and subscribes with. Publishing fails fast while Redis is down (those events are lost;
   * clients catch up with `sync`); the readers queue their blocking reads until Redis is back instead of
   * spinning on errors.
   */
  adapterClient(): Redis {
    if (!this.url) throw new Error('REDIS_URL is not set');
    const publisher = new Redis(this.url, this.options({ enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'parley-io-pub' }));
    this.watch(publisher, 'adapter');
    // The adapter does not wait for its PUBLISH promises (ephemeral requests): a failed one must not become
    // an unhandled rejection, which would end the process.
    const publish = publisher.publish.bind(publisher) as (...args: unknown[]) => Promise<number>;
    (publisher as unknown as { publish: (...args: unknown[]) => Promise<number> }).publish = (...args) => {
      const result = publish(...args);
      result.catch(() => undefined);
      return result;
    };
    publisher.duplicate = () => {
      const reader = new Redis(this.url!, this.options({ enableOfflineQueue: true, maxRetriesPerRequest: null, connectionName: 'parley-io-read' }));
      this.watch(reader, 'adapter');
      return reader;
    };
    return publisher;
  }

  private options(extra: RedisOptions): RedisOptions {
    return { retryStrategy: retryDelay, ...extra };
  }

  private watch(client: Redis, role: 'main' | 'adapter'): void {
    let down = false;
    let wasReady = false;
    client.on('error', (err: Error) => {
      this.lastError = err.message || err.name;
      if (!down && role === 'main') this.logger.warn(`Redis connection failed: ${this.lastError}; retrying`);
      down = true;
    });
    // A connection that closes and reconnects at the first try emits no error, but broadcasts were lost meanwhile.
    client.on('close', () => {
      down = true;
    });
    client.on('ready', () => {
      const restored = down && wasReady && role === 'main';
      down = false;
      wasReady = true;
      if (!restored) return;
      this.logger.log('Redis connection is back');
      for (const listener of this.restoredListeners) listener();
    });
    if (role !== 'main') this.extra.push(client);
  }

  /** Calls `listener` each time the connection is ready again after it failed (not on the first connect). */
  onRestored(listener: () => void): void {
    this.restoredListeners.push(listener);
  }

  onApplicationShutdown(): void {
    for (const c of [this.client, ...this.extra]) c?.disconnect();
  }
}
