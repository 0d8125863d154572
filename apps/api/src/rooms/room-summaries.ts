import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MessagePreview, RoomKind } from '@parley/contracts';
import { RelationsService } from '../friends/relations.service';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { RoomActivity } from '../messages/room-activity';
import { UserEntity } from '../users/user.entity';
import { RoomMemberEntity } from './room-member.entity';
import { RoomEntity } from './room.entity';

/** Everything one member's view of one room is made of (see `toRoomSummary`). */
export interface RoomView {
  room: RoomEntity;
  member: RoomMemberEntity;
  memberCount: number;
  unreadCount: number;
  /** The preview of the message with the room's last seq (its text withheld when from someone the viewer blocked); null in an empty room. */
  lastMessage: MessagePreview | null;
  /** Direct rooms: the other member. */
  peer: UserEntity | null;
}

type CountRow = { roomId: string; n: number | string };

/** The time the room list sorts by: the last message, or the room's creation when it has none. */
export function lastActivityAt(room: RoomEntity): Date {
  return room.lastMessageAt ?? room.createdAt;
}

/**
 * Builds room-list views for one user with a fixed number of queries (six), however many rooms they are
 * in: every query is scoped by joining the user's own memberships, never by a list of room ids. The two
 * about messages (unread counts, last messages) are the messages module's (RoomActivity). Messages from
 * people the user blocked are neither counted as unread nor previewed.
 */
@Injectable()
export class RoomSummaryQueries {
  constructor(
    @InjectRepository(RoomMemberEntity) private readonly members: Repository<RoomMemberEntity>,
    private readonly activity: RoomActivity,
    private readonly relations: RelationsService,
  ) {}

  /** The user's rooms (or only `roomId`, when given and they are a member), most recent activity first. */
  async viewsFor(userId: string, roomId?: string): Promise<RoomView[]> {
    const mine = this.members.createQueryBuilder('m').innerJoinAndSelect('m.room', 'r').where('m.userId = :userId', { userId });
    const memberships = await this.onlyRoom(mine, 'm', roomId).getMany();
    if (memberships.length === 0) return [];

    const blocked = await this.relations.blockedIdsBy(userId);
    const [counts, unreadCount, lastMessage, peers] = await Promise.all([
      this.memberCounts(userId, roomId),
      this.activity.unreadCounts(userId, blocked, roomId),
      this.activity.lastMessages(userId, blocked, roomId),
      this.directPeers(userId, roomId),
    ]);
    const memberCount = new Map(counts.map((r) => [r.roomId, Number(r.n)]));
    const peer = new Map(peers.map((p) => [p.roomId, p.user!]));

    return memberships
      .map(({ room, ...member }) => ({
        room: room!,
        member: Object.assign(new RoomMemberEntity(), member),
        memberCount: memberCount.get(member.roomId) ?? 0,
        unreadCount: unreadCount.get(member.roomId) ?? 0,
        lastMessage: lastMessage.get(member.roomId) ?? null,
        peer: peer.get(member.roomId) ?? null,
      }))
      .sort((a, b) => lastActivityAt(b.room).getTime() - lastActivityAt(a.room).getTime() || (a.room.id < b.room.id ? -1 : 1));
  }

  private memberCounts(userId: string, roomId?: string): Promise<CountRow[]> {
    const qb = this.members
      .createQueryBuilder('m')
      .select('m.roomId', 'roomId')
      .addSelect('COUNT(*)', 'n')
      .innerJoin(RoomMemberEntity, 'mine', 'mine.roomId = m.roomId AND mine.userId = :userId', { userId })
      .groupBy('m.roomId');
    return this.onlyRoom(qb, 'm', roomId).getRawMany<CountRow>();
  }

  private directPeers(userId: string, roomId?: string): Promise<RoomMemberEntity[]> {
    const qb = this.members
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.user', 'u')
      .innerJoin('m.room', 'r')
      .innerJoin(RoomMemberEntity, 'mine', 'mine.roomId = m.roomId AND mine.userId = :userId', { userId })
      .where('r.kind = :direct', { direct: RoomKind.Direct })
      .andWhere('m.userId <> :userId');
    return this.onlyRoom(qb, 'm', roomId).getMany();
  }

  private onlyRoom<T extends object>(qb: SelectQueryBuilder<T>, alias: string, roomId?: string): SelectQueryBuilder<T> {
    return roomId ? qb.andWhere(`${alias}.roomId = :roomId`, { roomId }) : qb;
  }
}
