import { Global, Injectable, Logger, Module } from '@nestjs/common';
import type { RoomEvent } from '@parley/contracts';

export type SessionEndReason = 'logout' | 'revoked' | 'password_changed' | 'deactivated' | 'expired';

/** Domain events that one module raises and others react to, without importing each other. */
export interface AppEventMap {
  /** A new account exists (rooms puts it in `general`). */
  'user.registered': { userId: string };
  /** A user was deactivated by an admin: everything live of theirs ends. */
  'user.deactivated': { userId: string };
  /** Profile fields others see changed (display name, status, avatar). */
  'user.updated': { userId: string };
  /**
   * Sessions ended. `sessionIds` lists them; when absent, every session of the user ended except
   * `exceptSessionId`. Live sockets opened with those sessions must close.
   */
  'auth.sessions-ended': { userId: string; sessionIds?: string[]; exceptSessionId?: string; reason: SessionEndReason };
  /** A personal access token was revoked: sockets opened with it must close. */
  'auth.token-revoked': { userId: string; tokenId: string };
  /** Something happened in a group or public room that its timeline records (messages writes the line). */
  'room.changed': { roomId: string; event: RoomEvent };
  /** `blockerId` blocked `blockedId` (pending invitations between them end). */
  'user.blocked': { blockerId: string; blockedId: string };
}

type Handler<K extends keyof AppEventMap> = (payload: AppEventMap[K]) => unknown;

/**
 * A small in-process event bus. `emit` runs the handlers one after another and waits for them, so a
 * request that raises an event answers after its effects (a new account is already in `general` when the
 * register call returns). A failing handler is logged and does not fail the others or the caller.
 */
@Injectable()
export class AppEvents {
  private readonly logger = new Logger(AppEvents.name);
  private readonly handlers = new Map<keyof AppEventMap, Handler<never>[]>();

  on<K extends keyof AppEventMap>(event: K, handler: Handler<K>): void {
    const list = this.handlers.get(event) ?? [];
    list.push(handler as Handler<never>);
    this.handlers.set(event, list);
  }

  async emit<K extends keyof AppEventMap>(event: K, payload: AppEventMap[K]): Promise<void> {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        await (handler as Handler<K>)(payload);
      } catch (err) {
        this.logger.error(`Handler for ${event} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
  }
}

@Global()
@Module({ providers: [AppEvents], exports: [AppEvents] })
export class EventsModule {}
