import { ServerToClientEvents } from '@parley/contracts';
import { RealtimeService } from '../realtime.service';

export type Sent = { to: string; event: keyof ServerToClientEvents; payload: unknown };

type Args<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

/** RealtimeService with no Socket.IO server: it records what would have been sent, and to whom, in order. */
export class RecordingRealtime extends RealtimeService {
  readonly sent: Sent[] = [];
  readonly subscriptions: string[] = [];

  override toRoom<E extends keyof ServerToClientEvents>(roomId: string, event: E, ...args: Args<E>): void {
    this.sent.push({ to: `room:${roomId}`, event, payload: args[0] });
  }

  override toRoomExcept<E extends keyof ServerToClientEvents>(roomId: string, socketId: string, event: E, ...args: Args<E>): void {
    this.sent.push({ to: `room:${roomId} except ${socketId}`, event, payload: args[0] });
  }

  override toUser<E extends keyof ServerToClientEvents>(userId: string, event: E, ...args: Args<E>): void {
    this.sent.push({ to: `user:${userId}`, event, payload: args[0] });
  }

  override toRoomsAndUsers<E extends keyof ServerToClientEvents>(roomIds: string[], userIds: string[], event: E, ...args: Args<E>): void {
    this.sent.push({ to: [...roomIds.map((id) => `room:${id}`), ...userIds.map((id) => `user:${id}`)].join(' '), event, payload: args[0] });
  }

  override async addUserToRoom(userId: string, roomId: string): Promise<void> {
    this.subscriptions.push(`+${userId}@${roomId}`);
  }

  override async removeUserFromRoom(userId: string, roomId: string): Promise<void> {
    this.subscriptions.push(`-${userId}@${roomId}`);
  }

  /** What went to one user's sockets, as payloads of one event. */
  toUserOf(userId: string, event: keyof ServerToClientEvents): unknown[] {
    return this.sent.filter((s) => s.to === `user:${userId}` && s.event === event).map((s) => s.payload);
  }

  clear(): void {
    this.sent.length = 0;
    this.subscriptions.length = 0;
  }
}
