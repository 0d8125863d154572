import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { RoomKind, RoomRole } from '@parley/contracts';
import { Repository } from 'typeorm';
import { AppEvents } from '../events/app-events';
import { RelationsService } from '../friends/relations.service';
import { UserEntity } from '../users/user.entity';
import { errors } from '../common/errors';
import { isUniqueViolation } from '../common/unique-violation';
import { roomNotFound, userNotFound } from './room-errors';
import { RoomMemberEntity } from './room-member.entity';
import { RoomView } from './room-summaries';
import { RoomEntity } from './room.entity';
import { RoomsService } from './rooms.service';

/** The key that makes a pair of users have one direct room: both ids, sorted, joined by ':'. */
export function directKeyFor(a: string, b: string, encrypted = false): string {
  const pair = [a, b].sort().join(':');
  return encrypted ? `${pair}:e2ee` : pair;
}

/** Rooms whose pair is remembered (a room's kind and its pair never change). */
const PAIR_CACHE_MAX = 10_000;

/** What a member does in a direct room that a block (either way) stops, in the words of the refusal. */
export type DirectAction = 'send messages to' | 'edit messages for' | 'show typing to';

/** One-to-one conversations: exactly two members, one room per pair, nobody leaves. */
@Injectable()
export class DirectRoomsService {
  private readonly pairs = new Map<string, string[] | null>();

  constructor(
    @InjectRepository(RoomEntity) private readonly rooms: Repository<RoomEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly roomsService: RoomsService,
    private readonly events: AppEvents,
    private readonly relations: RelationsService,
  ) {}

  /**
   * The pair's room, created (and announced to both) when it does not exist yet. A pair may have one plain and
   * one end-to-end encrypted room: `encrypted` says which.
   */
  async open(me: UserEntity, otherId: string, encrypted = false): Promise<{ view: RoomView; created: boolean }> {
    const other = await this.users.findOneBy({ id: otherId });
    if (!other) throw userNotFound();
    await this.assertCanOpenDirect(me, other);
    const directKey = directKeyFor(me.id, other.id, encrypted);

    const existing = await this.rooms.findOneBy({ directKey });
    if (existing) return { view: await this.roomsService.viewFor(existing.id, me.id), created: false };

    let room: RoomEntity;
    try {
      room = await this.rooms.manager.transaction(async (em) => {
        const saved = await em.save(
          em.create(RoomEntity, { kind: RoomKind.Direct, name: '', topic: '', slug: null, directKey, ownerId: null, encrypted }),
        );
        await em.insert(RoomMemberEntity, [
          { roomId: saved.id, userId: me.id, role: RoomRole.Member },
          { roomId: saved.id, userId: other.id, role: RoomRole.Member },
        ]);
        return saved;
      });
    } catch (err) {
      // The other person opened the same room at the same moment: theirs is ours.
      if (!isUniqueViolation(err)) throw err;
      const raced = await this.rooms.findOneByOrFail({ directKey });
      return { view: await this.roomsService.viewFor(raced.id, me.id), created: false };
    }
    await this.events.emit('room.created', {
      roomId: room.id,
      members: [
        { userId: me.id, role: RoomRole.Member },
        { userId: other.id, role: RoomRole.Member },
      ],
    });
    return { view: await this.roomsService.viewFor(room.id, me.id), created: true };
  }

  /**
   * The two members of a direct room, or null for other kinds. Cached (bounded): the hot send path asks for
   * every message and the answer never changes.
   */
  async pairOf(roomId: string): Promise<string[] | null> {
    const cached = this.pairs.get(roomId);
    if (cached !== undefined) return cached;
    const room = await this.rooms.findOne({ where: { id: roomId }, select: { id: true, kind: true, directKey: true } });
    if (!room) return null;
    const pair = room.kind === RoomKind.Direct && room.directKey ? room.directKey.split(':').slice(0, 2) : null;
    if (this.pairs.size >= PAIR_CACHE_MAX) this.pairs.delete(this.pairs.keys().next().value!);
    this.pairs.set(roomId, pair);
    return pair;
  }

  /** The other member when `roomId` is a direct room of `userId`'s; null otherwise. */
  async peerIn(roomId: string, userId: string): Promise<string | null> {
    const pair = await this.pairOf(roomId);
    return pair?.find((id) => id !== userId) ?? null;
  }

  /** In a direct room, a block either way stops both people from messaging, editing and typing (403). */
  async assertNotBlocked(roomId: string, userId: string, action: DirectAction): Promise<void> {
    const peer = await this.peerIn(roomId, userId);
    if (peer) await this.relations.assertNotBlocked(userId, peer, action);
  }

  /**
   * Before a send: in a direct room, someone who is not one of its two people gets the 404 of a missing room
   * and a block either way is a 403. Nothing to check here for other rooms (the commit checks membership).
   */
  async assertMaySend(roomId: string, userId: string): Promise<void> {
    const pair = await this.pairOf(roomId);
    if (!pair) return;
    if (!pair.includes(userId)) throw roomNotFound();
    await this.relations.assertNotBlocked(userId, pair[0] === userId ? pair[1] : pair[0], 'send messages to');
  }

  /** Whether this is a direct room whose two members are kept apart by a block (either way). */
  async isBlocked(roomId: string, userId: string): Promise<boolean> {
    const peer = await this.peerIn(roomId, userId);
    return peer !== null && (await this.relations.blockedEitherWay(userId, peer));
  }

  /**
   * Whether `me` may start a conversation with `other`: not with yourself or a deactivated account, never
   * across a block (either way), and with DM_POLICY=friends only between friends.
   */
  private async assertCanOpenDirect(me: UserEntity, other: UserEntity): Promise<void> {
    if (other.id === me.id) throw errors.badRequest('You cannot open a direct conversation with yourself');
    if (!other.active) throw errors.badRequest('That account is deactivated');
    await this.relations.assertCanOpenDirect(me.id, other.id);
  }
}
