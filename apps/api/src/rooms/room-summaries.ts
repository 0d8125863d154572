import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MessageKind, RoomKind } from '@parley/contracts';
import { RelationsService } from '../friends/relations.service';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { MessageEntity } from '../messages/message.entity';
import { UserEntity } from '../users/user.entity';
import { RoomMemberEntity } from './room-member.entity';
import { RoomEntity } from './room.entity';

/** Everything one member's view of one room is made of (see `toRoomSummary`). */
export interface RoomView {
  room: RoomEntity;
  member: RoomMemberEntity;
  memberCount: number;
  unreadCount: number;
  /** The message with the room's last seq, with its sender; null in an empty room. */
  lastMessage: MessageEntity | null;
  /** The last message is from someone the viewer blocked: its text is withheld from the preview. */
  lastMessageHidden: boolean;
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
 * in: every query is scoped by joining the user's own memberships, never by a list of room ids. Messages
 * from people the user blocked are neither counted as unread nor previewed.
 */
@Injectable()
export class RoomSummaryQueries {
  constructor(
    @InjectRepository(RoomMemberEntity) private readonly members: Repository<RoomMemberEntity>,
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    private readonly relations: RelationsService,
  ) {}

  /** The user's rooms (or only `roomId`, when given and they are a member), most recent activity first. */
  async viewsFor(userId: string, roomId?: string): Promise<RoomView[]> {
    const mine = this.members.createQueryBuilder('m').innerJoinAndSelect('m.room', 'r').where('m.userId = :userId', { userId });
    const memberships = await this.onlyRoom(mine, 'm', roomId).getMany();
    if (memberships.length === 0) return [];

    const blocked = await this.relations.blockedIdsBy(userId);
    const [counts, unread, lastMessages, peers] = await Promise.all([
      this.memberCounts(userId, roomId),
      this.unreadCounts(userId, blocked, roomId),
      this.lastMessages(userId, roomId),
      this.directPeers(userId, roomId),
    ]);
    const countOf = (rows: CountRow[]) => new Map(rows.map((r) => [r.roomId, Number(r.n)]));
    const memberCount = countOf(counts);
    const unreadCount = countOf(unread);
    const lastMessage = new Map(lastMessages.map((m) => [m.roomId, m]));
    const peer = new Map(peers.map((p) => [p.roomId, p.user!]));

    return memberships
      .map(({ room, ...member }) => ({
        room: room!,
        member: Object.assign(new RoomMemberEntity(), member),
        memberCount: memberCount.get(member.roomId) ?? 0,
        unreadCount: unreadCount.get(member.roomId) ?? 0,
        lastMessage: lastMessage.get(member.roomId) ?? null,
        lastMessageHidden: blocked.includes(lastMessage.get(member.roomId)?.senderId ?? ''),
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

  /**
   * Messages from others after my last read seq that are not deleted, not system lines and not from someone
   * I blocked (the (roomId, seq) index serves it).
   */
  private unreadCounts(userId: string, blocked: string[], roomId?: string): Promise<CountRow[]> {
    const qb = this.messages
      .createQueryBuilder('msg')
      .select('msg.roomId', 'roomId')
      .addSelect('COUNT(*)', 'n')
      .innerJoin(RoomMemberEntity, 'mine', 'mine.roomId = msg.roomId AND mine.userId = :userId', { userId })
      .where('msg.seq > mine.lastReadSeq')
      .andWhere('msg.senderId <> :userId')
      .andWhere('msg.deletedAt IS NULL')
      .andWhere('msg.kind = :userKind', { userKind: MessageKind.User })
      .groupBy('msg.roomId');
    if (blocked.length) qb.andWhere('msg.senderId NOT IN (:...blocked)', { blocked });
    return this.onlyRoom(qb, 'msg', roomId).getRawMany<CountRow>();
  }

  private lastMessages(userId: string, roomId?: string): Promise<MessageEntity[]> {
    const qb = this.messages
      .createQueryBuilder('msg')
      .innerJoin(RoomEntity, 'r', 'r.id = msg.roomId AND r.lastSeq = msg.seq')
      .innerJoin(RoomMemberEntity, 'mine', 'mine.roomId = msg.roomId AND mine.userId = :userId', { userId })
      .leftJoinAndSelect('msg.sender', 'sender');
    return this.onlyRoom(qb, 'msg', roomId).getMany();
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
