import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { BlockedUser } from '@parley/contracts';
import { Repository } from 'typeorm';
import { AppEvents } from '../events/app-events';
import { UserEntity } from '../users/user.entity';
import { FriendsService } from './friends.service';
import { toBlockedUser } from './friends.mapper';
import { UserBlockEntity } from './user-block.entity';
import { isUniqueViolation } from '../common/unique-violation';
import { errors } from '../common/errors';

/**
 * Blocking. A block ends the friendship and any pending request between the two; while it stands the blocked
 * user cannot send the blocker friend requests (and, through RelationsService, cannot open or post in a
 * direct room with them, nor see their presence).
 */
@Injectable()
export class BlocksService {
  constructor(
    @InjectRepository(UserBlockEntity) private readonly blocks: Repository<UserBlockEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly friends: FriendsService,
    private readonly events: AppEvents,
  ) {}

  /** The users I blocked, most recent first (deactivated ones too, so they can be unblocked). */
  async list(me: string): Promise<BlockedUser[]> {
    const rows = await this.blocks.find({ where: { blockerId: me }, relations: { blocked: true }, order: { createdAt: 'DESC' } });
    return rows.map((r) => toBlockedUser(r.blocked!, r.createdAt));
  }

  async block(me: string, targetId: string): Promise<BlockedUser> {
    if (targetId === me) throw errors.badRequest('You cannot block yourself');
    const target = await this.users.findOneBy({ id: targetId });
    if (!target) throw errors.notFound('User');
    try {
      await this.blocks.insert({ blockerId: me, blockedId: targetId });
    } catch (err) {
      if (isUniqueViolation(err)) throw errors.conflict('You have already blocked this user');
      throw err;
    }
    await this.friends.endEverythingBetween(me, targetId);
    await this.events.emit('user.blocked', { blockerId: me, blockedId: targetId });
    const row = await this.blocks.findOneByOrFail({ blockerId: me, blockedId: targetId });
    return toBlockedUser(target, row.createdAt);
  }

  /** Lifts a block. Nothing it ended comes back: a friendship needs a new request. */
  async unblock(me: string, targetId: string): Promise<void> {
    const removed = await this.blocks.delete({ blockerId: me, blockedId: targetId });
    if (!removed.affected) throw errors.notFound('Block', 'You have not blocked this user');
  }
}
