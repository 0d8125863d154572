import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { GENERAL_ROOM_SLUG, RoomKind, RoomRole } from '@parley/contracts';
import { Repository } from 'typeorm';
import { AppEvents } from '../events/app-events';
import { UserEntity } from '../users/user.entity';
import { isUniqueViolation } from '../common/unique-violation';
import { RoomMemberEntity } from './room-member.entity';
import { RoomMembersService } from './room-members.service';
import { RoomEntity } from './room.entity';

const INSERT_BATCH = 200;

/**
 * `general`: the public room every account is in. It has no owner, so instance admins moderate it. It is
 * created at start-up if missing; active accounts not in it are added then, and new accounts as they register.
 */
@Injectable()
export class GeneralRoomService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(GeneralRoomService.name);

  constructor(
    @InjectRepository(RoomEntity) private readonly rooms: Repository<RoomEntity>,
    @InjectRepository(RoomMemberEntity) private readonly members: Repository<RoomMemberEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly roomMembers: RoomMembersService,
    private readonly events: AppEvents,
  ) {}

  onModuleInit(): void {
    // The register call awaits this, so a new account is in `general` when it gets its answer.
    this.events.on('user.registered', ({ userId }) => this.welcome(userId));
  }

  async onApplicationBootstrap(): Promise<void> {
    const room = await this.ensureRoom();
    const added = await this.addMissingMembers(room);
    if (added > 0) this.logger.log(`Added ${added} account(s) to #${GENERAL_ROOM_SLUG}`);
  }

  /** The room, created when missing (another instance starting at the same time may win the race). */
  async ensureRoom(): Promise<RoomEntity> {
    const existing = await this.rooms.findOneBy({ slug: GENERAL_ROOM_SLUG });
    if (existing) return existing;
    try {
      return await this.rooms.save(
        this.rooms.create({
          kind: RoomKind.Public,
          name: GENERAL_ROOM_SLUG,
          topic: 'Everyone, everything',
          slug: GENERAL_ROOM_SLUG,
          directKey: null,
          ownerId: null,
        }),
      );
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return this.rooms.findOneByOrFail({ slug: GENERAL_ROOM_SLUG });
    }
  }

  /** Adds every active account that is not a member yet; returns how many. Nobody is connected at start-up, so nothing is announced. */
  async addMissingMembers(room: RoomEntity): Promise<number> {
    const missing = await this.users
      .createQueryBuilder('u')
      .select('u.id', 'id')
      .leftJoin(RoomMemberEntity, 'm', 'm.userId = u.id AND m.roomId = :roomId', { roomId: room.id })
      .where('m.userId IS NULL')
      .andWhere('u.deactivatedAt IS NULL')
      .getRawMany<{ id: string }>();
    for (let i = 0; i < missing.length; i += INSERT_BATCH) {
      const batch = missing.slice(i, i + INSERT_BATCH).map(({ id }) => ({ roomId: room.id, userId: id, role: RoomRole.Member }));
      await this.members.createQueryBuilder().insert().into(RoomMemberEntity).values(batch).orIgnore().execute();
    }
    return missing.length;
  }

  /** Puts a new account in `general` and announces it to the room. */
  async welcome(userId: string): Promise<void> {
    const user = await this.users.findOneBy({ id: userId });
    if (!user?.active) return;
    await this.roomMembers.admit(await this.ensureRoom(), userId);
  }
}
