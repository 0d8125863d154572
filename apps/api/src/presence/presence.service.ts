import { Injectable, Logger } from '@nestjs/common';
import { Presence, PresenceStatus } from '@parley/contracts';
import { AppEvents } from '../events/app-events';
import { RelationsService } from '../friends/relations.service';
import { UsersService } from '../users/users.service';
import { ConnectionState, LiveStatus, PresenceStore } from './presence-store';

/**
 * Who is online, for everyone who asks (friends, rooms, the gateway's `presence:query`). The gateway only
 * reports connections opening, closing and their tabs' activity; the store (this process's memory, or Redis
 * shared by every process) decides the status, and this service raises `presence.changed`; the delivery layer
 * (realtime/deliveries/presence-deliveries.ts) tells the people who may see it.
 */
@Injectable()
export class PresenceService {
  private readonly logger = new Logger(PresenceService.name);

  constructor(
    private readonly store: PresenceStore,
    private readonly users: UsersService,
    private readonly relations: RelationsService,
    private readonly events: AppEvents,
  ) {
    store.onChange((userId, status) => this.tell(userId, status));
    store.onOffline((userIds) => void this.wentOffline(userIds));
  }

  connected(userId: string, connectionId: string): void {
    void this.store.connected(userId, connectionId).then((status) => this.tell(userId, status));
  }

  disconnected(userId: string, connectionId: string): void {
    void this.store.disconnected(userId, connectionId).then((status) => this.tell(userId, status));
  }

  activity(userId: string, connectionId: string, state: ConnectionState): void {
    void this.store.activity(userId, connectionId, state).then((status) => this.tell(userId, status));
  }

  /** The presence of each user, in the order asked, as `viewerId` may see it (hidden from people they blocked). */
  async presenceOf(userIds: string[], viewerId?: string): Promise<Presence[]> {
    const [hidden, live] = await Promise.all([
      viewerId ? this.relations.blockerIdsOf(viewerId).then((ids) => new Set(ids)) : new Set<string>(),
      this.store.statuses(userIds),
    ]);
    const offline = userIds.filter((id) => !live.has(id));
    const seen = await this.users.lastSeenOf(offline);
    return userIds.map((userId) => {
      if (hidden.has(userId)) return { userId, status: PresenceStatus.Offline, lastSeenAt: null };
      const status = live.get(userId);
      if (status) return { userId, status, lastSeenAt: null };
      return { userId, status: PresenceStatus.Offline, lastSeenAt: seen.get(userId)?.toISOString() ?? null };
    });
  }

  private tell(userId: string, status: LiveStatus | null): void {
    if (status) void this.events.emit('presence.changed', { presence: { userId, status, lastSeenAt: null } });
  }

  /**
   * Raised once across processes (the store decides who ends a grace period). The last-seen time is saved
   * before the event, so a client that asks after hearing it reads the same time.
   */
  private async wentOffline(userIds: string[]): Promise<void> {
    const lastSeenAt = new Date();
    await this.users.recordLastSeen(userIds, lastSeenAt).catch((err: unknown) => this.logger.warn(`Last seen not saved: ${(err as Error).message}`));
    for (const userId of userIds) {
      const presence: Presence = { userId, status: PresenceStatus.Offline, lastSeenAt: lastSeenAt.toISOString() };
      await this.events.emit('presence.changed', { presence });
    }
  }
}
