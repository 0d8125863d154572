import { Inject, Injectable } from '@nestjs/common';
import { ClientToServerEvents, SocketError, SocketErrorCode } from '@parley/contracts';
import { APP_CONFIG, AppConfig } from '../config/config';
import { BucketRule, TokenBuckets } from '../limits/token-buckets';
import type { ParleySocket } from '../realtime/realtime.service';

type ClientEvent = keyof ClientToServerEvents;

/** Events that write messages are charged to the sender's write bucket (SendThrottle) instead. */
const WRITES: ReadonlySet<ClientEvent> = new Set(['message:send', 'message:edit', 'message:delete']);

const sizeOf = (value: unknown): number =>
  Array.isArray(value) ? value.length : value && typeof value === 'object' ? Object.keys(value).length : 0;

/**
 * What each event costs from the user's event bucket, judged from the raw payload before it is validated
 * (a refusal must be cheap): about what it costs the server. A sync reads the database for every room it
 * names; a presence query, for every user.
 */
export function eventCost(event: ClientEvent, payload: unknown): number {
  const p = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
  switch (event) {
    case 'sync':
      return 4 + Math.ceil(sizeOf(p['since']) / 25);
    case 'presence:query':
      return 1 + Math.ceil(sizeOf(p['userIds']) / 25);
    default:
      return 1;
  }
}

/** Reads (all but message writes) one socket may have running at once; more are refused at once. */
export const SOCKET_IN_FLIGHT_MAX = 8;
/** Answers and events a socket may have queued for a client that does not read them, before more work is refused. */
export const SOCKET_BACKLOG_PACKETS_MAX = 256;
export const SOCKET_BACKLOG_BYTES_MAX = 4 * 1024 * 1024;

interface EngineInternals {
  writeBuffer?: unknown[];
  transport?: { socket?: { bufferedAmount?: number } };
}

/** What the server has written to this socket that the client has not read yet. */
export function outgoingBacklog(socket: ParleySocket): { packets: number; bytes: number } {
  const conn = socket.conn as unknown as EngineInternals;
  return { packets: conn.writeBuffer?.length ?? 0, bytes: conn.transport?.socket?.bufferedAmount ?? 0 };
}

const refusal = (message: string, retryAfterMs: number): SocketError => ({ code: SocketErrorCode.RateLimited, message, retryAfterMs });

/**
 * The per-user and per-socket limits on socket events, so that one client's appetite cannot slow anyone
 * else down or grow the server's memory: a token bucket per user (every socket of theirs together), a cap
 * on the handlers a socket has running, and a cap on what is queued for a client that does not read.
 */
@Injectable()
export class SocketLimits {
  private readonly rule: BucketRule;
  private readonly inFlight = new WeakMap<ParleySocket, number>();

  constructor(
    private readonly buckets: TokenBuckets,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.rule = { ratePerSecond: config.realtime.eventRatePerSecond, burst: config.realtime.eventBurst };
  }

  /**
   * Admits one event before its handler runs: null when it may run (call `done` when it has finished), or
   * the error to answer with.
   */
  async admit(socket: ParleySocket, event: ClientEvent, payload: unknown): Promise<SocketError | null> {
    const backlog = outgoingBacklog(socket);
    if (backlog.packets > SOCKET_BACKLOG_PACKETS_MAX || backlog.bytes > SOCKET_BACKLOG_BYTES_MAX) {
      return refusal('Your connection has not read the earlier answers yet; read them first', 1000);
    }
    // Writes are bounded by the write bucket, which refuses before any work (an outbox flushing after a
    // reconnect may well have 20 sends waiting).
    if (WRITES.has(event)) return null;
    const running = this.inFlight.get(socket) ?? 0;
    if (running >= SOCKET_IN_FLIGHT_MAX) {
      return refusal(`You have ${running} requests waiting for an answer; wait for them first`, 100);
    }
    // Counted as running from here, so events arriving while the bucket is asked cannot slip past the cap.
    this.inFlight.set(socket, running + 1);
    const waitMs = await this.buckets.take(`socket:${socket.data.userId}`, this.rule, eventCost(event, payload));
    if (waitMs > 0) {
      this.done(socket, event);
      return refusal(`Too many requests; wait ${Math.ceil(waitMs / 100) / 10} s`, waitMs);
    }
    return null;
  }

  /** The admitted event's handler has finished. */
  done(socket: ParleySocket, event: ClientEvent): void {
    if (WRITES.has(event)) return;
    this.inFlight.set(socket, Math.max(0, (this.inFlight.get(socket) ?? 1) - 1));
  }
}
