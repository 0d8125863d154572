import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Presence, PresenceStatus, RoomKind } from '@parley/contracts';
import { In, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { channel, RealtimeService } from '../realtime/realtime.service';
import { RelationsService } from '../friends/relations.service';
import { RoomMemberEntity } from '../rooms/room-member.entity';
import { RoomEntity } from '../rooms/room.entity';
import { UserEntity } from '../users/user.entity';

interface Tracked {
  /** Socket id → whether that tab is in use. */
  sockets: Map<string, 'active' | 'idle'>;
  status: PresenceStatus;
  offlineTimer?: NodeJS.Timeout;
}

/**
 * Who is online. A user is online while any of their sockets is active, away when every socket reports
 * idle, and offline (with a last-seen time) once the last socket has been gone for a short grace period,
 * so a page reload does not flash "offline" to everyone. Changes go to the user's direct and group rooms.
 * The state lives in this process: with several API instances, presence is per instance (see docs).
 */
@Injectable()
export class PresenceService implements OnApplicationShutdown {
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly realtime: RealtimeService,
    @InjectRepository(RoomMemberEntity) private readonly members: Repository<RoomMemberEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly relations: RelationsService,
  ) {}

  connected(userId: string, socketId: string): void {
    let t = this.tracked.get(userId);
    if (!t) {
      t = { sockets: new Map(), status: PresenceStatus.Offline };
      this.tracked.set(userId, t);
    }
    if (t.offlineTimer) {
      clearTimeout(t.offlineTimer);
      t.offlineTimer = undefined;
    }
    t.sockets.set(socketId, 'active');
    this.recompute(userId, t);
  }

  disconnected(userId: string, socketId: string): void {
    const t = this.tracked.get(userId);
    if (!t) return;
    t.sockets.delete(socketId);
    if (t.sockets.size > 0) {
      this.recompute(userId, t);
      return;
    }
    const goOffline = () => {
      if (t.sockets.size > 0) return;
      this.tracked.delete(userId);
      const lastSeenAt = new Date();
      void this.users.update({ id: userId }, { lastSeenAt }).catch(() => undefined);
      void this.announce(userId, { userId, status: PresenceStatus.Offline, lastSeenAt: lastSeenAt.toISOString() });
    };
    if (this.config.realtime.presenceOfflineGraceMs === 0) goOffline();
    else t.offlineTimer = setTimeout(goOffline, this.config.realtime.presenceOfflineGraceMs);
  }

  activity(userId: string, socketId: string, state: 'active' | 'idle'): void {
    const t = this.tracked.get(userId);
    if (!t || !t.sockets.has(socketId)) return;
    t.sockets.set(socketId, state);
    this.recompute(userId, t);
  }

  private recompute(userId: string, t: Tracked): void {
    const status = [...t.sockets.values()].includes('active') ? PresenceStatus.Online : PresenceStatus.Away;
    if (status === t.status) return;
    t.status = status;
    void this.announce(userId, { userId, status, lastSeenAt: null });
  }

  /** The presence of each user, in the order asked, as `viewerId` may see it (hidden from people they blocked). */
  async presenceOf(userIds: string[], viewerId?: string): Promise<Presence[]> {
    const hidden = new Set(viewerId ? await this.relations.blockerIdsOf(viewerId) : []);
    const offline = userIds.filter((id) => !this.tracked.has(id));
    const seen = offline.length
      ? new Map((await this.users.find({ where: { id: In(offline) }, select: { id: true, lastSeenAt: true } })).map((u) => [u.id, u.lastSeenAt]))
      : new Map<string, Date | null>();
    return userIds.map((userId) => {
      if (hidden.has(userId)) return { userId, status: PresenceStatus.Offline, lastSeenAt: null };
      const t = this.tracked.get(userId);
      if (t) return { userId, status: t.status === PresenceStatus.Offline ? PresenceStatus.Online : t.status, lastSeenAt: null };
      return { userId, status: PresenceStatus.Offline, lastSeenAt: seen.get(userId)?.toISOString() ?? null };
    });
  }

  /**
   * Tells the people who see this user's presence: their friends and the members of their direct and group
   * rooms, except anyone they blocked. Public
   * rooms (such as #general, where everyone is) are left out, or every login would be announced to every
   * user; clients ask with `presence:query` for the people they show there.
   */
  private async announce(userId: string, presence: Presence): Promise<void> {
    const io = this.realtime.io;
    if (!io) return;
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
  }

  onApplicationShutdown(): void {
    for (const t of this.tracked.values()) if (t.offlineTimer) clearTimeout(t.offlineTimer);
  }
}
