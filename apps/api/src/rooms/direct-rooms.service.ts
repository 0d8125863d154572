import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { RoomKind, RoomRole } from '@parley/contracts';
import { Repository } from 'typeorm';
import { RelationsService } from '../friends/relations.service';
import { UserEntity } from '../users/user.entity';
import { isUniqueViolation, roomBadRequest, userNotFound } from './room-errors';
import { RoomMemberEntity } from './room-member.entity';
import { RoomNotifier } from './room-notifier';
import { RoomView } from './room-summaries';
import { RoomEntity } from './room.entity';
import { RoomsService } from './rooms.service';

/** The key that makes a pair of users have one direct room: both ids, sorted, joined by ':'. */
export function directKeyFor(a: string, b: string): string {
  return [a, b].sort().join(':');
}

/** One-to-one conversations: exactly two members, one room per pair, nobody leaves. */
@Injectable()
export class DirectRoomsService {
  constructor(
    @InjectRepository(RoomEntity) private readonly rooms: Repository<RoomEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly roomsService: RoomsService,
    private readonly notifier: RoomNotifier,
    private readonly relations: RelationsService,
  ) {}

  /** The pair's room, created (and announced to both) when it does not exist yet. */
  async open(me: UserEntity, otherId: string): Promise<{ view: RoomView; created: boolean }> {
    const other = await this.users.findOneBy({ id: otherId });
    if (!other) throw userNotFound();
    await this.assertCanOpenDirect(me, other);
    const directKey = directKeyFor(me.id, other.id);

    const existing = await this.rooms.findOneBy({ directKey });
    if (existing) return { view: await this.roomsService.viewFor(existing.id, me.id), created: false };

    let room: RoomEntity;
    try {
      room = await this.rooms.manager.transaction(async (em) => {
        const saved = await em.save(
          em.create(RoomEntity, { kind: RoomKind.Direct, name: '', topic: '', slug: null, directKey, ownerId: null }),
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
    await this.notifier.roomCreated(room, [
      { userId: me.id, role: RoomRole.Member },
      { userId: other.id, role: RoomRole.Member },
    ]);
    return { view: await this.roomsService.viewFor(room.id, me.id), created: true };
  }

  /**
   * Whether `me` may start a conversation with `other`: not with yourself or a deactivated account, never
   * across a block (either way), and with DM_POLICY=friends only between friends.
   */
  private async assertCanOpenDirect(me: UserEntity, other: UserEntity): Promise<void> {
    if (other.id === me.id) throw roomBadRequest('You cannot open a direct conversation with yourself');
    if (!other.active) throw roomBadRequest('That account is deactivated');
    await this.relations.assertCanOpenDirect(me.id, other.id);
  }
}
