import { Inject, Injectable } from '@nestjs/common';
import { ClientToServerEvents, SocketError, SocketErrorCode } from '@parley/contracts';
import { APP_CONFIG, AppConfig } from '../config/config';
import { BucketRule, TokenBuckets } from '../limits/token-buckets';
import type { ParleySocket } from '../realtime/realtime.service';

type ClientEvent = keyof ClientToServerEvents;

/** Events that write messages are charged to the sender's write bucket (SendThrottle) instead. */
const WRITES: ReadonlySet<ClientEvent> = new Set(['message:send', 'message:edit', 'message:delete']);
/** Reads that cost real work (database queries for many rooms or users): one at a time per user. */
const HEAVY: ReadonlySet<ClientEvent> = new Set(['sync', 'presence:query']);

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

/** Reads (all but message writes) one socket may have running or waiting at once; more are refused at once. */
export const SOCKET_IN_FLIGHT_MAX = 8;
/**
 * Packets and bytes the server may have waiting for a client that is not reading them. Past either, the
 * client cannot keep up (or does not try): the socket is closed, which bounds what it holds on the server.
 * It reconnects and `sync` brings what it missed (a sync answer is far smaller than this).
 */
export const SOCKET_BACKLOG_PACKETS_MAX = 512;
export const SOCKET_BACKLOG_BYTES_MAX = 8 * 1024 * 1024;

/** engine.io's internals this reads: the packets it holds until the WebSocket drains, and the WebSocket. */
interface EngineInternals {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number } };
}

const packetBytes = (data: unknown): number =>
  typeof data === 'string' ? data.length : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0;

/**
 * What the server has written to this socket that the client has not read yet: the packets engine.io holds
 * until the WebSocket drains (with their size), and the bytes the WebSocket holds beyond the kernel's buffers.
 */
export function outgoingBacklog(socket: ParleySocket): { packets: number; bytes: number } {
  const conn = socket.conn as unknown as EngineInternals;
  const held = conn.writeBuffer ?? [];
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of held) bytes += packetBytes(packet.data);
  return { packets: held.length, bytes };
}

const refusal = (message: string, retryAfterMs: number): SocketError => ({ code: SocketErrorCode.RateLimited, message, retryAfterMs });

/**
 * The per-user and per-socket limits on socket events, so that one client's appetite cannot slow anyone
 * else down or grow the server's memory: a token bucket per user (every socket of theirs together), a cap
 * on the requests a socket has running or waiting, heavy reads run one at a time per user with a turn of the
 * event loop before each (others' events go in between), and a socket whose client does not read what it
 * is sent is closed.
 */
@Injectable()
export class SocketLimits {
  private readonly rule: BucketRule;
  private readonly inFlight = new WeakMap<ParleySocket, number>();
  /** The tail of each user's queue of heavy reads. */
  private readonly lanes = new Map<string, Promise<unknown>>();

  constructor(
    private readonly buckets: TokenBuckets,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.rule = { ratePerSecond: config.realtime.eventRatePerSecond, burst: config.realtime.eventBurst };
  }

  /**
   * Runs one event's handler if its limits allow, and answers what the handler returns; otherwise answers the
   * refusal without running it. `null` means the socket was closed as a client that does not read (nothing
   * can be answered).
   */
  async run<T>(socket: ParleySocket, event: ClientEvent, payload: unknown, handler: () => Promise<T>): Promise<T | { error: SocketError } | null> {
    const backlog = outgoingBacklog(socket);
    if (backlog.packets > SOCKET_BACKLOG_PACKETS_MAX || backlog.bytes > SOCKET_BACKLOG_BYTES_MAX) {
      socket.disconnect(true);
      return null;
    }
    // Writes are bounded by the write bucket, which refuses before any work (an outbox flushing after a
    // reconnect may well have 20 sends waiting).
    if (WRITES.has(event)) return handler();
    const running = this.inFlight.get(socket) ?? 0;
    if (running >= SOCKET_IN_FLIGHT_MAX) {
      return { error: refusal(`You have ${running} requests waiting for an answer; wait for them first`, 100) };
    }
    // Counted as running from here, so events arriving while the bucket is asked cannot slip past the cap.
    this.inFlight.set(socket, running + 1);
    try {
      const waitMs = await this.buckets.take(`socket:${socket.data.userId}`, this.rule, eventCost(event, payload));
      if (waitMs > 0) return { error: refusal(`Too many requests; wait ${Math.ceil(waitMs / 100) / 10} s`, waitMs) };
      return HEAVY.has(event) ? await this.inLane(socket.data.userId, handler) : await handler();
    } finally {
      this.inFlight.set(socket, Math.max(0, (this.inFlight.get(socket) ?? 1) - 1));
    }
  }

  /** Runs `fn` after the user's earlier heavy reads, each after a turn of the event loop. */
  private inLane<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.lanes.get(userId) ?? Promise.resolve();
    const result = before.then(
      () => new Promise<void>((r) => setImmediate(r)),
      () => new Promise<void>((r) => setImmediate(r)),
    ).then(fn);
    const tail = result.catch(() => undefined);
    this.lanes.set(userId, tail);
    void tail.then(() => {
      if (this.lanes.get(userId) === tail) this.lanes.delete(userId);
    });
    return result;
  }
}
