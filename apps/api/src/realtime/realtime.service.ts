import { Injectable } from '@nestjs/common';
import type { ClientToServerEvents, ServerToClientEvents, UserRole } from '@parley/contracts';
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
  token: (tokenId: string) => `token:${tokenId}`,
};

type EmitArgs<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

/** One room event handed to this process's sockets: how many received it (the metrics count these). */
export interface FanOutFigures {
  event: keyof ServerToClientEvents;
  recipients: number;
}

/**
 * The one way feature services reach live clients. The gateway hands it the Socket.IO server when it
 * starts; before that (and in unit tests, where no server runs) every call does nothing. The operations
 * go through the Socket.IO adapter, so they reach sockets on every instance once a shared adapter is used.
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

  /** Unsubscribes every socket from a room (the room is gone). */
  async closeRoom(roomId: string): Promise<void> {
    this.server?.in(channel.room(roomId)).socketsLeave(channel.room(roomId));
  }
}
