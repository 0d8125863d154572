import { Injectable } from '@nestjs/common';
import type { ClientToServerEvents, ServerToClientEvents, UserRole } from '@parley/contracts';
import type { SessionEndReason } from '../events/app-events';
import type { Server, Socket } from 'socket.io';

/** What the gateway keeps on every authenticated socket. */
export interface SocketData {
  userId: string;
  /** The instance role at connection time (instance admins moderate public rooms). */
  role: UserRole;
  /** Set when the socket authenticated with a session (cookie or session token). */
  sessionId: string | null;
  /** Set when the socket authenticated with a personal access token. */
  tokenId: string | null;
  /** Session expiry at connection time (sessions slide; the gateway re-checks before it). */
  expiresAt: number | null;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type InterServerEvents = {};
export type ParleyServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Socket.IO room names. Every socket is in its user's room; room members' sockets are in the room's room. */
export const channel = {
  user: (userId: string) => `user:${userId}`,
  room: (roomId: string) => `room:${roomId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  /** Every socket a user opened with a session (cookie or session token), whichever session. */
  sessionsOf: (userId: string) => `sessions:${userId}`,
  token: (tokenId: string) => `token:${tokenId}`,
};

/** The channels a socket joins for who opened it: its user, and its session (and the user's sessions) or its token. */
export function credentialChannels({ userId, sessionId, tokenId }: Pick<SocketData, 'userId' | 'sessionId' | 'tokenId'>): string[] {
  if (sessionId) return [channel.user(userId), channel.session(sessionId), channel.sessionsOf(userId)];
  return tokenId ? [channel.user(userId), channel.token(tokenId)] : [channel.user(userId)];
}

type EmitArgs<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

/** One room event handed to this process's sockets: how many received it (the metrics count these). */
export interface FanOutFigures {
  event: keyof ServerToClientEvents;
  recipients: number;
}

/**
 * The delivery layer's handle on the Socket.IO server: the deliveries in `deliveries/` turn domain events
 * into these calls (feature modules never see it). The gateway hands it the server when it starts; before
 * that every call does nothing. The operations go through the Socket.IO adapter, so they reach sockets on
 * every instance once a shared adapter is used.
 */
@Injectable()
export class RealtimeService {
  private server: ParleyServer | null = null;
  private readonly fanOutObservers: ((figures: FanOutFigures) => void)[] = [];

  /** Calls `observer` for every event sent to a room (toRoom, toRoomExcept) with its local recipients. */
  onFanOut(observer: (figures: FanOutFigures) => void): void {
    this.fanOutObservers.push(observer);
  }

  private observeFanOut(roomId: string, event: keyof ServerToClientEvents, exceptSocketId?: string): void {
    if (!this.server || this.fanOutObservers.length === 0) return;
    const sockets = this.server.sockets.adapter.rooms.get(channel.room(roomId));
    const recipients = (sockets?.size ?? 0) - (exceptSocketId && sockets?.has(exceptSocketId) ? 1 : 0);
    for (const observe of this.fanOutObservers) {
      try {
        observe({ event, recipients });
      } catch {
        // Counting must never fail a delivery that has happened.
      }
    }
  }

  attach(server: ParleyServer): void {
    this.server = server;
  }

  get io(): ParleyServer | null {
    return this.server;
  }

  /** Sends an event to every member of a room (every socket of every current member). */
  toRoom<E extends keyof ServerToClientEvents>(roomId: string, event: E, ...args: EmitArgs<E>): void {
    this.server?.to(channel.room(roomId)).emit(event, ...args);
    this.observeFanOut(roomId, event);
  }

  /** Like toRoom, but leaves out one socket (the sender, who gets the result in its ack). */
  toRoomExcept<E extends keyof ServerToClientEvents>(roomId: string, socketId: string, event: E, ...args: EmitArgs<E>): void {
    this.server?.to(channel.room(roomId)).except(socketId).emit(event, ...args);
    this.observeFanOut(roomId, event, socketId);
  }

  /** Sends an event once to every socket in any of these rooms or of any of these users. */
  toRoomsAndUsers<E extends keyof ServerToClientEvents>(roomIds: string[], userIds: string[], event: E, ...args: EmitArgs<E>): void {
    const targets = [...roomIds.map(channel.room), ...userIds.map(channel.user)];
    if (targets.length) this.server?.to(targets).emit(event, ...args);
  }

  /** Like toRoomsAndUsers, but leaves out every socket of `exceptUserIds`. */
  toRoomsAndUsersExcept<E extends keyof ServerToClientEvents>(roomIds: string[], userIds: string[], exceptUserIds: string[], event: E, ...args: EmitArgs<E>): void {
    const targets = [...roomIds.map(channel.room), ...userIds.map(channel.user)];
    if (targets.length) this.server?.to(targets).except(exceptUserIds.map(channel.user)).emit(event, ...args);
  }

  /** Sends an event to every socket connected to this process (not through the adapter). */
  toLocalSockets<E extends keyof ServerToClientEvents>(event: E, ...args: EmitArgs<E>): void {
    this.server?.local.emit(event, ...args);
  }

  /** Sends an event to every socket of one user. */
  toUser<E extends keyof ServerToClientEvents>(userId: string, event: E, ...args: EmitArgs<E>): void {
    this.server?.to(channel.user(userId)).emit(event, ...args);
  }

  /** Subscribes every socket of the user to the room's events (after they became a member). */
  async addUserToRoom(userId: string, roomId: string): Promise<void> {
    this.server?.in(channel.user(userId)).socketsJoin(channel.room(roomId));
  }

  /** Unsubscribes every socket of the user from the room at once (they stopped being a member). */
  async removeUserFromRoom(userId: string, roomId: string): Promise<void> {
    this.server?.in(channel.user(userId)).socketsLeave(channel.room(roomId));
  }

  /** Tells every socket in the channel why, then closes them (on every instance, through the adapter). */
  private close(name: string, reason: SessionEndReason): void {
    this.server?.in(name).emit('session:ended', { reason });
    this.server?.in(name).disconnectSockets(true);
  }

  /** Closes the sockets opened with these sessions. */
  closeSessions(sessionIds: string[], reason: SessionEndReason): void {
    for (const id of sessionIds) this.close(channel.session(id), reason);
  }

  /** Closes the sockets opened with this personal access token. */
  closeToken(tokenId: string, reason: SessionEndReason): void {
    this.close(channel.token(tokenId), reason);
  }

  /** Closes every socket of the user. */
  closeUser(userId: string, reason: SessionEndReason): void {
    this.close(channel.user(userId), reason);
  }

  /** Closes the user's sockets opened with a session other than `keepSessionId` (token sockets stay). */
  async closeUserSessionsExcept(userId: string, keepSessionId: string | undefined, reason: SessionEndReason): Promise<void> {
    if (!this.server) return;
    // Every socket opened with one of the user's sessions (not with an access token), on every process,
    // except those of the session kept: through the adapter, without asking the other processes first.
    const sessions = this.server.in(channel.sessionsOf(userId));
    const ending = keepSessionId ? sessions.except(channel.session(keepSessionId)) : sessions;
    ending.emit('session:ended', { reason });
    ending.disconnectSockets(true);
  }
}
