import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Page, PublicRoom, RoomKind, RoomMember, RoomRole, RoomSummary, RoomUpdatedEvent, UserRole } from '@parley/contracts';
import { Brackets, In, IsNull, LessThan, Repository } from 'typeorm';
import { likePattern } from '../common/paging';
import { AppEvents } from '../events/app-events';
import { UserEntity } from '../users/user.entity';
import { errors } from '../common/errors';
import { roomArchived, roomNotFound } from './room-errors';
import { RoomMemberEntity } from './room-member.entity';
import { RoomAdmission } from './room-admission';
import { RoomHistory } from './room-history';
import { RoomInvitationsService } from './room-invitations.service';
import { RoomSummaryQueries, RoomView } from './room-summaries';
import { RoomEntity } from './room.entity';
import { toPublicRoom, toRoomMember, toRoomSummary, toRoomUpdatedEvent } from './rooms.mapper';
import { FixedQuery, hydrate, selectColumns } from '../database/fixed-query';

export interface Membership {
  room: RoomEntity;
  member: RoomMemberEntity;
}

export interface NewRoom {
  kind: 'group' | 'public';
  name: string;
  topic?: string;
  memberIds?: string[];
  /** End-to-end encrypted (groups only). */
  encrypted?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE_ORDER: Record<RoomRole, number> = { owner: 0, admin: 1, member: 2 };

/**
 * Rooms and who may see them: membership checks (used by the messages module and the gateway too), the
 * room list, details, the public directory, and creating, renaming and archiving rooms. A caller who is not
 * a member gets the same 404 as for a room that does not exist.
 */
@Injectable()
export class RoomsService {
  private membershipQuery?: FixedQuery;
  /** Rooms' encryption, once read: it is chosen at creation and never changes, so every process may keep it. */
  private readonly encryption = new Map<string, boolean>();

  constructor(
    @InjectRepository(RoomEntity) private readonly rooms: Repository<RoomEntity>,
    @InjectRepository(RoomMemberEntity) private readonly members: Repository<RoomMemberEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly summaries: RoomSummaryQueries,
    private readonly events: AppEvents,
    private readonly history: RoomHistory,
    private readonly admission: RoomAdmission,
    private readonly invitations: RoomInvitationsService,
  ) {}

  /** The room and the user's membership of it, or null when either is missing. */
  /** Whether the room is end-to-end encrypted (null: there is no such room). */
  async isEncrypted(roomId: string): Promise<boolean | null> {
    const known = this.encryption.get(roomId);
    if (known !== undefined) return known;
    const room = await this.rooms.findOne({ where: { id: roomId }, select: { id: true, encrypted: true } });
    if (!room) return null;
    if (this.encryption.size >= 10_000) this.encryption.delete(this.encryption.keys().next().value!);
    this.encryption.set(roomId, room.encrypted);
    return room.encrypted;
  }

  async membership(roomId: string, userId: string): Promise<Membership | null> {
    if (!UUID.test(roomId) || !UUID.test(userId)) return null;
    // Every request about a room runs this: one prepared join, without TypeORM's query builder (findOne()
    // with a relation ran a DISTINCT query for the ids before the join, and rebuilt both every time).
    const db = this.members.manager.connection;
    this.membershipQuery ??= new FixedQuery(
      db,
      (p) =>
        `SELECT ${selectColumns(db, RoomMemberEntity, 'm', 'm_')}, ${selectColumns(db, RoomEntity, 'r', 'r_')} ` +
        `FROM room_members "m" INNER JOIN rooms "r" ON "r"."id" = "m"."roomId" WHERE "m"."roomId" = ${p(1)} AND "m"."userId" = ${p(2)}`,
    );
    const [row] = await this.membershipQuery.all(roomId, userId);
    return row ? { room: hydrate(db, RoomEntity, row, 'r_'), member: hydrate(db, RoomMemberEntity, row, 'm_') } : null;
  }

  /** As `membership`, but a non-member gets the 404 "Room not found". */
  async requireMembership(roomId: string, userId: string): Promise<Membership> {
    const found = await this.membership(roomId, userId);
    if (!found) throw roomNotFound();
    return found;
  }

  /** Owners and admins of the room; instance admins in public rooms (that is how `general`, which has no owner, is moderated). */
  isRoomAdmin(room: RoomEntity, member: RoomMemberEntity, user: Pick<UserEntity, 'role'>): boolean {
    if (member.role === RoomRole.Owner || member.role === RoomRole.Admin) return true;
    return user.role === UserRole.Admin && room.kind === RoomKind.Public;
  }

  /** 403 unless the user may administer the room. */
  assertRoomAdmin(found: Membership, user: Pick<UserEntity, 'role'>): void {
    if (!this.isRoomAdmin(found.room, found.member, user)) throw errors.forbidden("Only the room's owner or admins can do that");
  }

  /** 403 unless the user owns the room. */
  assertOwner(found: Membership, action: string): void {
    if (found.member.role !== RoomRole.Owner) throw errors.forbidden(`Only the room's owner can ${action}`);
  }

  /** The room by id, whoever asks (callers have checked access another way), or null. */
  findRoom(roomId: string): Promise<RoomEntity | null> {
    return this.rooms.findOneBy({ id: roomId });
  }

  /** Every room, oldest first: what a retention pass goes through. */
  allRooms(): Promise<Pick<RoomEntity, 'id' | 'kind' | 'name' | 'archivedAt'>[]> {
    return this.rooms.find({ select: { id: true, kind: true, name: true, archivedAt: true }, order: { createdAt: 'ASC' } });
  }

  async roomIdsForUser(userId: string): Promise<string[]> {
    const rows = await this.members.find({ select: { roomId: true }, where: { userId } });
    return rows.map((r) => r.roomId);
  }

  /** Which of `candidates` share at least one room with the user (the user counts as sharing with themself). */
  async usersSharingARoom(userId: string, candidates: string[]): Promise<Set<string>> {
    const out = new Set(candidates.filter((id) => id === userId));
    const others = candidates.filter((id) => id !== userId);
    for (let i = 0; i < others.length; i += 500) {
      const rows: { userId: string }[] = await this.members
        .createQueryBuilder('them')
        .select('DISTINCT them.userId', 'userId')
        .innerJoin(RoomMemberEntity, 'me', 'me.roomId = them.roomId AND me.userId = :userId', { userId })
        .where('them.userId IN (:...ids)', { ids: others.slice(i, i + 500) })
        .getRawMany();
      for (const r of rows) out.add(r.userId);
    }
    return out;
  }

  /** The user's direct and group rooms (not public ones): the people there see their presence. */
  async privateRoomIdsForUser(userId: string): Promise<string[]> {
    const rows = await this.members
      .createQueryBuilder('m')
      .innerJoin(RoomEntity, 'r', 'r.id = m.roomId')
      .select('m.roomId', 'roomId')
      .where('m.userId = :userId', { userId })
      .andWhere('r.kind != :pub', { pub: RoomKind.Public })
      .getRawMany<{ roomId: string }>();
    return rows.map((r) => r.roomId);
  }

  /** The seq and rev counters of these rooms (missing ones left out), for sync. */
  async counters(roomIds: string[]): Promise<Pick<RoomEntity, 'id' | 'lastSeq' | 'lastRev'>[]> {
    if (roomIds.length === 0) return [];
    return this.rooms.find({ where: { id: In(roomIds) }, select: { id: true, lastSeq: true, lastRev: true } });
  }

  /**
   * The user's rooms as search results name them (a direct room by the other member), with their change
   * revisions: two small queries, without the room list's unread counts and previews.
   */
  async searchScope(userId: string): Promise<{ id: string; kind: RoomKind; name: string; lastSeq: number; lastRev: number }[]> {
    const rows = await this.members
      .createQueryBuilder('m')
      .innerJoin(RoomEntity, 'r', 'r.id = m.roomId')
      .select(['r.id AS "id"', 'r.kind AS "kind"', 'r.name AS "name"', 'r.lastSeq AS "lastSeq"', 'r.lastRev AS "lastRev"'])
      .where('m.userId = :userId', { userId })
      .getRawMany<{ id: string; kind: RoomKind; name: string; lastSeq: number | string; lastRev: number | string }>();
    const direct = rows.filter((r) => r.kind === RoomKind.Direct).map((r) => r.id);
    const peers = direct.length
      ? await this.members
          .createQueryBuilder('m')
          .innerJoin(UserEntity, 'u', 'u.id = m.userId')
          .select(['m.roomId AS "roomId"', 'u.displayName AS "displayName"'])
          .where('m.roomId IN (:...direct)', { direct })
          .andWhere('m.userId != :userId', { userId })
          .getRawMany<{ roomId: string; displayName: string }>()
      : [];
    const peerName = new Map(peers.map((p) => [p.roomId, p.displayName]));
    return rows.map((r) => ({ id: r.id, kind: r.kind, name: r.kind === RoomKind.Direct ? (peerName.get(r.id) ?? '') : r.name, lastSeq: Number(r.lastSeq), lastRev: Number(r.lastRev) }));
  }

  async memberIds(roomId: string): Promise<string[]> {
    const rows = await this.members.find({ select: { userId: true }, where: { roomId } });
    return rows.map((r) => r.userId);
  }

  /** The room as this member sees it in their list; 404 for a non-member. */
  async summaryFor(roomId: string, userId: string): Promise<RoomSummary> {
    return toRoomSummary(await this.viewFor(roomId, userId));
  }

  async viewFor(roomId: string, userId: string): Promise<RoomView> {
    if (!UUID.test(roomId)) throw roomNotFound();
    const [view] = await this.summaries.viewsFor(userId, roomId);
    if (!view) throw roomNotFound();
    return view;
  }

  /** The room as this member sees it in their list, or null for a non-member. */
  async findSummary(roomId: string, userId: string): Promise<RoomSummary | null> {
    const [view] = await this.summaries.viewsFor(userId, roomId);
    return view ? toRoomSummary(view) : null;
  }

  /** A member with their user, or null. */
  async findMember(roomId: string, userId: string): Promise<RoomMember | null> {
    const member = await this.members.findOne({ where: { roomId, userId }, relations: { user: true } });
    return member ? toRoomMember(member) : null;
  }

  /** The room's own fields and member count as members see them in `room:updated`; null when it is gone. */
  async updatedEvent(roomId: string): Promise<RoomUpdatedEvent | null> {
    const [room, count] = await Promise.all([this.rooms.findOneBy({ id: roomId }), this.members.countBy({ roomId })]);
    return room ? toRoomUpdatedEvent(room, count) : null;
  }

  /** The user's rooms, most recent activity first. */
  listFor(userId: string): Promise<RoomView[]> {
    return this.summaries.viewsFor(userId);
  }

  /**
   * Moves the member's read marker forward, never past the room's last message and never back (404 for a
   * non-member). Returns the stored value and whether this call moved it.
   */
  async setLastRead(roomId: string, userId: string, seq: number): Promise<{ lastReadSeq: number; moved: boolean }> {
    const { room, member } = await this.requireMembership(roomId, userId);
    const target = Math.min(Math.max(0, Math.floor(seq)), room.lastSeq);
    if (target <= member.lastReadSeq) return { lastReadSeq: member.lastReadSeq, moved: false };
    const result = await this.members.update({ roomId, userId, lastReadSeq: LessThan(target) }, { lastReadSeq: target });
    if (result.affected) return { lastReadSeq: target, moved: true };
    // Another request moved it at the same moment, at least as far.
    const stored = await this.members.findOneBy({ roomId, userId });
    return { lastReadSeq: stored?.lastReadSeq ?? target, moved: false };
  }

  /** Members with their users: owner first, then admins, then by name. */
  async listMembers(roomId: string, userId: string): Promise<RoomMemberEntity[]> {
    await this.requireMembership(roomId, userId);
    const rows = await this.members.find({ where: { roomId }, relations: { user: true } });
    return rows.sort(
      (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.user!.displayName.localeCompare(b.user!.displayName) || a.userId.localeCompare(b.userId),
    );
  }

  /** Public rooms that are not archived, matching `q` in name or topic, most recently active first. */
  async directory(userId: string, q: string | undefined, page: number, pageSize: number): Promise<Page<PublicRoom>> {
    const qb = this.rooms.createQueryBuilder('r').where('r.kind = :kind', { kind: RoomKind.Public }).andWhere('r.archivedAt IS NULL');
    const term = q?.trim();
    if (term) {
      const pattern = likePattern(term);
      qb.andWhere(
        new Brackets((w) =>
          w.where("LOWER(r.name) LIKE :p ESCAPE '\\'", { p: pattern }).orWhere("LOWER(r.topic) LIKE :p ESCAPE '\\'", { p: pattern }),
        ),
      );
    }
    const [rooms, total] = await qb
      .orderBy('COALESCE(r.lastMessageAt, r.createdAt)', 'DESC')
      .addOrderBy('r.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    if (rooms.length === 0) return { items: [], total, page, pageSize };

    const ids = rooms.map((r) => r.id);
    const [counts, mine] = await Promise.all([
      this.members
        .createQueryBuilder('m')
        .select('m.roomId', 'roomId')
        .addSelect('COUNT(*)', 'n')
        .where('m.roomId IN (:...ids)', { ids })
        .groupBy('m.roomId')
        .getRawMany<{ roomId: string; n: number | string }>(),
      this.members.find({ select: { roomId: true }, where: { userId, roomId: In(ids) } }),
    ]);
    const count = new Map(counts.map((c) => [c.roomId, Number(c.n)]));
    const joined = new Set(mine.map((m) => m.roomId));
    return { items: rooms.map((r) => toPublicRoom(r, count.get(r.id) ?? 0, joined.has(r.id))), total, page, pageSize };
  }

  /**
   * A group or public room owned by its creator. The initial members (active users only) are added where
   * the rules allow and invited otherwise (RoomAdmission); a block between the creator and one of them
   * refuses the whole room (403), before anything is created.
   */
  async create(owner: UserEntity, input: NewRoom): Promise<RoomView> {
    if (input.encrypted && input.kind !== 'group') {
      throw errors.validation('encrypted', 'Only a private group can be end-to-end encrypted: a public room is open to anyone');
    }
    const memberIds = [...new Set(input.memberIds ?? [])].filter((id) => id !== owner.id);
    if (memberIds.length > 0) {
      const found = await this.users.countBy({ id: In(memberIds), deactivatedAt: IsNull() });
      if (found !== memberIds.length) {
        throw errors.validation('memberIds', 'memberIds must name existing, active users');
      }
    }
    const { add, invite } = await this.admission.decide(owner.id, memberIds);
    const room = await this.rooms.manager.transaction(async (em) => {
      const saved = await em.save(
        em.create(RoomEntity, { kind: input.kind, name: input.name, topic: input.topic ?? '', slug: null, directKey: null, ownerId: owner.id, encrypted: input.encrypted === true }),
      );
      await em.insert(RoomMemberEntity, [
        { roomId: saved.id, userId: owner.id, role: RoomRole.Owner },
        ...add.map((userId) => ({ roomId: saved.id, userId, role: RoomRole.Member })),
      ]);
      return saved;
    });
    await this.events.emit('room.created', {
      roomId: room.id,
      members: [{ userId: owner.id, role: RoomRole.Owner }, ...add.map((userId) => ({ userId, role: RoomRole.Member }))],
    });
    await this.invitations.invite(room, owner, invite);
    return this.viewFor(room.id, owner.id);
  }

  /** Rename or change the topic (owner or admins; not direct rooms, not archived ones). */
  async update(roomId: string, user: UserEntity, changes: { name?: string; topic?: string }): Promise<RoomView> {
    const found = await this.requireMembership(roomId, user.id);
    const { room } = found;
    if (room.kind === RoomKind.Direct) throw errors.badRequest('Direct rooms have no name or topic to change');
    this.assertRoomAdmin(found, user);
    if (room.archivedAt) throw roomArchived();
    const name = changes.name ?? room.name;
    const topic = changes.topic ?? room.topic;
    if (name !== room.name || topic !== room.topic) {
      const before = { name: room.name, topic: room.topic };
      await this.rooms.update({ id: room.id }, { name, topic });
      Object.assign(room, { name, topic });
      await this.events.emit('room.updated', { roomId: room.id });
      await this.history.renamed(room, user, before);
    }
    return this.viewFor(room.id, user.id);
  }

  /** Archive (read-only history) or bring back; the owner only. */
  async setArchived(roomId: string, user: UserEntity, archived: boolean): Promise<RoomView> {
    const found = await this.requireMembership(roomId, user.id);
    const { room } = found;
    if (room.kind === RoomKind.Direct) throw errors.badRequest('Direct rooms cannot be archived');
    this.assertOwner(found, archived ? 'archive it' : 'unarchive it');
    if (archived !== (room.archivedAt !== null)) {
      room.archivedAt = archived ? new Date() : null;
      await this.rooms.update({ id: room.id }, { archivedAt: room.archivedAt });
      await this.events.emit('room.updated', { roomId: room.id });
      await this.history.archived(room, user, archived);
    }
    return this.viewFor(room.id, user.id);
  }
}
