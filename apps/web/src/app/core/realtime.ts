import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { Router } from '@angular/router';
import {
  Ack,
  ClientToServerEvents,
  PRESENCE_ACTIVITY_THROTTLE_MS,
  PublicUser,
  SOCKET_PATH,
  ServerToClientEvents,
  SocketError,
  SocketErrorCode,
  SyncPayload,
  SyncResult,
} from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { Socket, io } from 'socket.io-client';
import { AuthApi } from './auth-api';
import { AuthStore } from './auth-store';

/** `connecting` until the first connection of a sign-in; `offline` whenever it dropped and has not come back yet. */
export type ConnectionStatus = 'connecting' | 'online' | 'offline';

type ParleySocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type EventName = keyof ServerToClientEvents;
type ClientEvent = keyof ClientToServerEvents;
type SessionEndReason = Parameters<ServerToClientEvents['session:ended']>[0]['reason'];
/** What the server's acknowledgement of a client event carries when it succeeds. */
export type AckResult<E extends ClientEvent> = ClientToServerEvents[E] extends (payload: never, ack: Ack<infer R>) => void ? R : never;
export type RequestPayload<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];

/** How long an acknowledgement may take before the request counts as failed. */
export const REQUEST_TIMEOUT_MS = 10_000;
const SYNC_TIMEOUT_MS = 20_000;
/** Catching up is retried this often while connected, then left to the next reconnect. */
const SYNC_ATTEMPTS = 3;
/** A sync with more than this many rounds is a server that never says "no more". */
const SYNC_MAX_ROUNDS = 50;

/** A client event the server refused (its SocketError), or that never got an answer (`unavailable`). */
export class SocketRequestError extends Error {
  constructor(
    readonly error: SocketError,
    /** True when nothing came back: not connected, or no acknowledgement in time. */
    readonly noAnswer = false,
  ) {
    super(error.message);
    this.name = 'SocketRequestError';
  }

  get code(): SocketErrorCode {
    return this.error.code;
  }
}

/** How long a disconnect waits for a WebSocket upgrade under way to end. */
export const UPGRADE_WAIT_MS = 2_000;

/** The part of a Socket.IO client socket `disconnectSettled` uses. */
type UpgradeWatched = Pick<Socket, 'disconnect'> & { io: { engine: Pick<Socket['io']['engine'], 'on' | 'off' | 'transport'> } };

/** Sockets whose connection, made by HTTP long-polling, is being upgraded to a WebSocket right now. */
const upgrading = new WeakSet<UpgradeWatched>();

/** Called when the socket's connection opens: long-polling first, and the client tries a WebSocket at once. */
export function watchUpgrade(socket: UpgradeWatched): void {
  const engine = socket.io.engine;
  if (engine.transport.name !== 'polling') return;
  upgrading.add(socket);
  const settled = () => {
    upgrading.delete(socket);
    engine.off('upgrade', settled);
    engine.off('upgradeError', settled);
    engine.off('close', settled);
  };
  engine.on('upgrade', settled);
  engine.on('upgradeError', settled);
  engine.on('close', settled);
}

/**
 * Disconnects a socket, but not in the middle of its WebSocket upgrade: the browser logs a warning for every
 * WebSocket closed before its handshake ends ("WebSocket is closed before the connection is established"), which
 * is what signing out a second after signing in did. The disconnect waits for the upgrade to succeed or fail, at
 * most UPGRADE_WAIT_MS; the socket's listeners are gone by then, so nothing it receives meanwhile is used.
 */
export function disconnectSettled(socket: UpgradeWatched): Promise<void> {
  if (!upgrading.has(socket)) {
    socket.disconnect();
    return Promise.resolve();
  }
  const engine = socket.io.engine;
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      engine.off('upgrade', done);
      engine.off('upgradeError', done);
      socket.disconnect();
      resolve();
    };
    const timer = setTimeout(done, UPGRADE_WAIT_MS);
    engine.on('upgrade', done);
    engine.on('upgradeError', done);
  });
}

function isErrorAck(response: unknown): response is { error: SocketError } {
  return typeof response === 'object' && response !== null && 'error' in response;
}

/**
 * The cursors for the next sync round: rooms that said `hasMore` continue from the `lastSeq`/`lastRev` they
 * answered with (how far that answer got), and rooms the answer did not reach (`pending`) are asked again
 * from where they were. Null when everything has arrived, or when a round made no progress (which would
 * otherwise loop forever).
 */
export function nextSyncCursors(sent: SyncPayload, result: SyncResult): SyncPayload | null {
  const since: Record<string, number> = {};
  const revs: Record<string, number> = {};
  let progress = false;
  for (const room of result.rooms) {
    const seq = sent.since[room.roomId] ?? 0;
    const rev = sent.revs?.[room.roomId] ?? 0;
    if (!room.hasMore) {
      progress = true;
      continue;
    }
    if (room.lastSeq > seq || room.lastRev > rev) progress = true;
    since[room.roomId] = Math.max(seq, room.lastSeq);
    revs[room.roomId] = Math.max(rev, room.lastRev);
  }
  for (const roomId of result.pending ?? []) {
    if (sent.since[roomId] === undefined) continue;
    since[roomId] = sent.since[roomId];
    const rev = sent.revs?.[roomId];
    if (rev !== undefined) revs[roomId] = rev;
  }
  return progress && Object.keys(since).length > 0 ? { since, revs } : null;
}

/** What the chat store gives the connection, so that every (re)connect catches up with what was missed. */
export interface SyncTarget {
  /** A new user signed in (or null: signed out): forget the previous one's state. */
  sessionChanged(userId: string | null): void;
  /** Where the client is; may wait for (or refresh) the room list first. */
  syncCursors(reconnect: boolean): Promise<SyncPayload>;
  applySync(result: SyncResult): void;
  /** Rooms I am in that the list the cursors came from did not have (joined before the socket listened). */
  missedRooms(roomIds: string[]): void;
  /** Caught up: queued messages may go now. */
  synced(): void;
  /** The connection dropped. */
  disconnected(): void;
}

/**
 * The one Socket.IO connection of the signed-in user: opened at sign-in, closed at sign-out, authenticated
 * by the session cookie. Features subscribe with `on()` and ask with `request()`.
 */
@Injectable({ providedIn: 'root' })
export class Realtime {
  private readonly auth = inject(AuthStore);
  private readonly authApi = inject(AuthApi);
  private readonly router = inject(Router);

  private socket: ParleySocket | null = null;
  private userId: string | null = null;
  private target: SyncTarget | null = null;
  private hasConnected = false;
  private readonly listeners: [EventName, (...args: never[]) => void][] = [];
  private readonly state = signal<ConnectionStatus>('offline');
  private lastActivityReport = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  readonly status = this.state.asReadonly();
  readonly online = computed(() => this.state() === 'online');

  constructor() {
    const userId = computed(() => this.auth.user()?.id ?? null);
    // Now for whoever is signed in already, then on every change of user.
    void this.switchUser(userId());
    effect(() => {
      const id = userId();
      untracked(() => void this.switchUser(id));
    });
    // Signing out closes the connection before the server ends the session: the server would otherwise close it
    // from its side, possibly in the middle of the WebSocket upgrade.
    this.auth.beforeSignOut(() => this.switchUser(null));
    this.on('user:updated', ({ user }) => this.ownProfileChanged(user));
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', () => this.reportActivity(document.visibilityState === 'visible' ? 'active' : 'idle'));
      for (const type of ['pointerdown', 'keydown'] as const) {
        document.addEventListener(type, () => this.reportActivity('active'), { passive: true, capture: true });
      }
      // Back online: try at once instead of waiting for the next back-off step.
      window.addEventListener('online', () => {
        if (this.socket && !this.socket.connected && !this.socket.active) this.socket.connect();
      });
    }
  }

  /** The chat store registers itself here; it hears about the current user at once. */
  attach(target: SyncTarget): void {
    this.target = target;
    target.sessionChanged(this.userId);
  }

  /** Subscribes to a server event on this and every later connection; call the answer to stop (a closing dialog). */
  on<E extends EventName>(event: E, handler: ServerToClientEvents[E]): () => void {
    const listener = handler as unknown as (...args: never[]) => void;
    const entry: [EventName, (...args: never[]) => void] = [event, listener];
    this.listeners.push(entry);
    type Raw = { on(e: string, l: (...args: never[]) => void): void; off(e: string, l: (...args: never[]) => void): void };
    (this.socket as unknown as Raw | null)?.on(event, listener);
    return () => {
      const index = this.listeners.indexOf(entry);
      if (index >= 0) this.listeners.splice(index, 1);
      (this.socket as unknown as Raw | null)?.off(event, listener);
    };
  }

  /**
   * Sends a client event and waits for its acknowledgement: the result, or a thrown SocketRequestError
   * carrying the server's SocketError (`unavailable` when not connected or no answer came in time).
   */
  async request<E extends ClientEvent>(event: E, payload: RequestPayload<E>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<AckResult<E>> {
    const socket = this.socket;
    if (!socket?.connected) {
      throw new SocketRequestError({ code: SocketErrorCode.Unavailable, message: 'Not connected to the server.' }, true);
    }
    let response: unknown;
    try {
      const timed = socket.timeout(timeoutMs) as unknown as { emitWithAck(ev: string, payload: unknown): Promise<unknown> };
      response = await timed.emitWithAck(event, payload);
    } catch {
      throw new SocketRequestError({ code: SocketErrorCode.Unavailable, message: 'The server did not answer in time.' }, true);
    }
    if (isErrorAck(response)) throw new SocketRequestError(response.error);
    return response as AckResult<E>;
  }

  /** Resolves once the previous user's socket is disconnected. */
  private switchUser(userId: string | null): Promise<void> {
    if (userId === this.userId) return Promise.resolve();
    const closed = this.close();
    this.userId = userId;
    this.target?.sessionChanged(userId);
    if (userId) this.open();
    return closed;
  }

  private open(): void {
    this.hasConnected = false;
    this.state.set('connecting');
    const socket: ParleySocket = io({
      path: SOCKET_PATH,
      withCredentials: true,
      forceNew: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
    this.socket = socket;
    socket.io.on('open', () => watchUpgrade(socket));
    const raw = socket as unknown as { on(e: string, l: (...args: never[]) => void): void };
    for (const [event, listener] of this.listeners) raw.on(event, listener);

    socket.on('connect', () => {
      const reconnect = this.hasConnected;
      this.hasConnected = true;
      this.state.set('online');
      this.lastActivityReport = 0;
      if (typeof document !== 'undefined') this.reportActivity(document.visibilityState === 'visible' ? 'active' : 'idle');
      void this.catchUp(socket, reconnect, 1);
    });
    socket.on('disconnect', (reason) => {
      if (this.socket !== socket) return;
      this.state.set('offline');
      this.target?.disconnected();
      // The server closed it on purpose (socket.io will not reconnect by itself): session over, or try again later.
      if (reason === 'io server disconnect') void this.checkSession(socket);
    });
    socket.on('connect_error', () => {
      if (this.socket !== socket) return;
      this.state.set('offline');
      // The server refused the handshake (not a network failure): socket.io will not retry on its own.
      if (!socket.active) void this.checkSession(socket);
    });
    socket.on('session:ended', ({ reason }) => this.sessionEnded(reason));
    // The server may have dropped live events while this socket stayed connected: catch up as after a reconnect.
    socket.on('sync:needed', () => {
      if (this.socket === socket && socket.connected) void this.catchUp(socket, true, 1);
    });
  }

  /** Resolves once the socket is disconnected (after any WebSocket upgrade under way, see `disconnectSettled`). */
  private close(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.removeAllListeners();
    this.state.set('offline');
    return socket ? disconnectSettled(socket) : Promise.resolve();
  }

  /** Runs `sync` from the store's cursors until nothing more is waiting, then lets the store send its queue. */
  private async catchUp(socket: ParleySocket, reconnect: boolean, attempt: number): Promise<void> {
    const target = this.target;
    if (!target) return;
    try {
      let cursors: SyncPayload | null = await target.syncCursors(reconnect);
      for (let round = 0; cursors && round < SYNC_MAX_ROUNDS; round++) {
        if (this.socket !== socket || !socket.connected) return;
        const result = await this.request('sync', cursors, SYNC_TIMEOUT_MS);
        if (this.socket !== socket) return;
        target.applySync(result);
        // Only the first answer compares every room I hold with the server's; later rounds send some of them.
        if (round === 0 && result.joined?.length) target.missedRooms(result.joined);
        cursors = nextSyncCursors(cursors, result);
      }
      if (this.socket === socket && socket.connected) target.synced();
    } catch {
      // Still connected: try again shortly; otherwise the next connect starts over.
      if (attempt < SYNC_ATTEMPTS && this.socket === socket && socket.connected) {
        this.retryTimer = setTimeout(() => void this.catchUp(socket, true, attempt + 1), 1000 * attempt);
      }
    }
  }

  /** A refused handshake: either the session is over (go to sign-in) or the server had a moment; retry later. */
  private async checkSession(socket: ParleySocket): Promise<void> {
    try {
      const { user } = await firstValueFrom(this.authApi.session());
      if (this.socket !== socket) return;
      if (!user || user.id !== this.userId) {
        this.sessionEnded();
        return;
      }
    } catch {
      // The server cannot be reached at all: keep trying below.
    }
    if (this.socket !== socket) return;
    this.retryTimer = setTimeout(() => {
      if (this.socket === socket && !socket.connected) socket.connect();
    }, 5000);
  }

  /**
   * The session is over: sign in again. The sign-in page says why (`expired=deactivated` when an admin deactivated
   * the account); a plain logout (this session, maybe from another tab) is no surprise to explain.
   */
  private sessionEnded(reason?: SessionEndReason): void {
    if (!this.auth.signedIn()) return;
    const returnUrl = this.router.url;
    this.auth.forgetSession();
    const why = reason === 'deactivated' ? 'deactivated' : 1;
    void this.router.navigate(['/login'], reason === 'logout' ? {} : { queryParams: { returnUrl, expired: why } });
  }

  /**
   * My profile changed in another tab or on another device: the account is read again (it also says whether a
   * picture is set), so my name and picture are current everywhere in this one.
   */
  private ownProfileChanged(user: PublicUser): void {
    const current = this.auth.user();
    if (!current || current.id !== user.id) return;
    const same = current.displayName === user.displayName && current.username === user.username && current.statusText === user.statusText && current.avatarUrl === user.avatarUrl;
    if (same) return;
    firstValueFrom(this.authApi.session())
      .then(({ user: account }) => {
        if (account && account.id === this.auth.user()?.id) this.auth.replaceUser(account);
      })
      .catch(() => undefined);
  }

  /** Tells the server whether the user is around (it shows them away after a while without). Throttled. */
  private reportActivity(state: 'active' | 'idle'): void {
    if (!this.socket?.connected) return;
    const now = Date.now();
    if (state === 'active' && now - this.lastActivityReport < PRESENCE_ACTIVITY_THROTTLE_MS) return;
    this.lastActivityReport = state === 'active' ? now : 0;
    this.request('presence:activity', { state }).catch(() => undefined);
  }
}
