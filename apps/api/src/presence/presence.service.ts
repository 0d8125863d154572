import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Presence, PresenceStatus, RoomKind } from '@parley/contracts';
import { In, Repository } from 'typeorm';
import { RelationsService } from '../friends/relations.service';
import { channel, RealtimeService } from '../realtime/realtime.service';
import { RoomMemberEntity } from '../rooms/room-member.entity';
import { RoomEntity } from '../rooms/room.entity';
import { UserEntity } from '../users/user.entity';
import { ConnectionState, LiveStatus, PresenceStore } from './presence-store';

/**
 * Who is online, for everyone who asks (friends, rooms, the gateway's `presence:query`). The gateway only
 * reports connections opening, closing and their tabs' activity; the store (this process's memory, or Redis
 * shared by every process) decides the status, and this service tells the people who may see it.
 */
@Injectable()
export class PresenceService {
  private readonly logger = new Logger(PresenceService.name);

  constructor(
    private readonly store: PresenceStore,
    private readonly realtime: RealtimeService,
    @InjectRepository(RoomMemberEntity) private readonly members: Repository<RoomMemberEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly relations: RelationsService,
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
    const seen = offline.length
      ? new Map((await this.users.find({ where: { id: In(offline) }, select: { id: true, lastSeenAt: true } })).map((u) => [u.id, u.lastSeenAt]))
      : new Map<string, Date | null>();
    return userIds.map((userId) => {
      if (hidden.has(userId)) return { userId, status: PresenceStatus.Offline, lastSeenAt: null };
      const status = live.get(userId);
      if (status) return { userId, status, lastSeenAt: null };
      return { userId, status: PresenceStatus.Offline, lastSeenAt: seen.get(userId)?.toISOString() ?? null };
    });
  }

  private tell(userId: string, status: LiveStatus | null): void {
    if (status) void this.announce(userId, { userId, status, lastSeenAt: null });
  }

  private async wentOffline(userIds: string[]): Promise<void> {
    const lastSeenAt = new Date();
    await this.users.update({ id: In(userIds) }, { lastSeenAt }).catch((err: unknown) => this.logger.warn(`Last seen not saved: ${(err as Error).message}`));
    for (const userId of userIds) await this.announce(userId, { userId, status: PresenceStatus.Offline, lastSeenAt: lastSeenAt.toISOString() });
  }

  /**
   * Tells the people who see this user's presence: their friends and the members of their direct and group
   * rooms, except anyone they blocked. Public rooms (such as #general, where everyone is) are left out, or
   * every login would be announced to every user; clients ask with `presence:query` for the people they show
   * there.
   */
  private async announce(userId: string, presence: Presence): Promise<void> {
    const io = this.realtime.io;
    if (!io) return;
    try {
      const rows = await this.members
        .createQueryBuilder('m')
        .innerJoin(RoomEntity, 'r', 'r.id = m.roomId')
        .select('m.roomId', 'roomId')
        .where('m.userId = :userId', { userId })
        .andWhere('r.kind != :pub', { pub: RoomKind.Public })
        .getRawMany<{ roomId: string }>();
      const targets = [...rows.map((r) => channel.room(r.roomId)), ...(await this.relations.friendIdsOf(userId)).map(channel.user)];
      if (targets.length === 0) return;
      const blocked = await this.relations.blockedIdsBy(userId);
      io.to(targets).except(blocked.map(channel.user)).emit('presence', presence);
    } catch (err) {
      this.logger.warn(`Presence of ${userId} not announced: ${(err as Error).message}`);
    }
  }
}
