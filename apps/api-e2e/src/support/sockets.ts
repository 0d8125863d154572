import type { ClientToServerEvents, ServerToClientEvents, SocketError } from '@parley/contracts';
import { io, Socket } from 'socket.io-client';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectOptions {
  token?: string;
  cookie?: string;
  origin?: string;
  query?: Record<string, string>;
  /** For a server over HTTPS (WSS): the certificate to trust, e.g. the dev certificate it serves. */
  ca?: string;
}

/** Connects over WebSocket and resolves once connected; rejects with the server's connect_error. */
export function connect(url: string, opts: ConnectOptions): Promise<ClientSocket> {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers['cookie'] = opts.cookie;
  if (opts.origin) headers['origin'] = opts.origin;
  const socket: ClientSocket = io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: opts.token ? { token: opts.token } : {},
    query: opts.query,
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
    timeout: 5000,
    ca: opts.ca,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: { code: string } }) => {
      socket.close();
      reject(err);
    });
  });
}

/** The connect_error a refused handshake produces (message and data.code). */
export async function refusal(url: string, opts: ConnectOptions): Promise<{ message: string; code?: string }> {
  try {
    const s = await connect(url, opts);
    s.close();
  } catch (err) {
    const e = err as Error & { data?: { code?: string } };
    return { message: e.message, code: e.data?.code };
  }
  throw new Error('the connection was accepted');
}

type AckOf<E extends keyof ClientToServerEvents> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/** Emits with an ack and resolves with the server's answer (result or { error }). */
export function call<E extends keyof ClientToServerEvents>(socket: ClientSocket, event: E, payload: unknown, timeoutMs = 5000): Promise<AckOf<E>> {
  return (socket.timeout(timeoutMs) as unknown as { emitWithAck(e: string, p: unknown): Promise<AckOf<E>> }).emitWithAck(event, payload);
}

/**
 * Emits an event whose payload is given as raw JSON text, written straight to the connection as a
 * Socket.IO EVENT packet with an ack id: for payloads the client library itself could not encode (it
 * recurses), such as 5,000 levels of nesting. Resolves with the server's ack.
 */
export function callRaw(socket: ClientSocket, event: string, payloadJson: string, timeoutMs = 5000): Promise<unknown> {
  const internals = socket as unknown as { ids: number; acks: Record<number, (...args: unknown[]) => void>; io: { engine: { write(data: string): void } } };
  const id = internals.ids++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      delete internals.acks[id];
      reject(new Error(`no ack for ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    internals.acks[id] = (answer: unknown) => {
      clearTimeout(timer);
      resolve(answer);
    };
    internals.io.engine.write(`2${id}${JSON.stringify([event]).slice(0, -1)},${payloadJson}]`);
  });
}

export function errorOf(answer: unknown): SocketError | undefined {
  return (answer as { error?: SocketError }).error;
}

/** Records every payload of an event. */
export function record<E extends keyof ServerToClientEvents>(socket: ClientSocket, event: E): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  (socket as unknown as { on(e: string, fn: (p: unknown) => void): void }).on(event, (p) => seen.push(p as never));
  return seen;
}

/** Resolves with the next payload of `event` that matches, or rejects after `timeoutMs`. */
export function next<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  match: (p: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  const s = socket as unknown as { on(e: string, fn: (p: unknown) => void): void; off(e: string, fn: (p: unknown) => void): void };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off(event, handler);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (p: unknown) => {
      if (!match(p as never)) return;
      clearTimeout(timer);
      s.off(event, handler);
      resolve(p as never);
    };
    s.on(event, handler);
  });
}

/** Resolves when the socket is disconnected by the server (or rejects after timeoutMs). */
export function disconnected(socket: ClientSocket, timeoutMs = 5000): Promise<string> {
  if (!socket.connected) return Promise.resolve('already');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/**
 * Resolves when the socket disconnects (at once if it already has), with no deadline of its own: start it
 * before the action so the event cannot be missed, and bound the wait with `within` from the moment the
 * action has answered (a slow action, such as a password hash on a loaded machine, does not eat the time).
 */
export function whenDisconnected(socket: ClientSocket): Promise<string> {
  if (!socket.connected) return Promise.resolve('already');
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

/** `promise`, or a rejection naming `what` when it has not settled `ms` from now. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
