import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DmPolicy } from '@parley/contracts';
import { In, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { FriendshipEntity, orderedPair } from './friendship.entity';
import { UserBlockEntity } from './user-block.entity';
import { errors } from '../common/errors';


/**
 * Who is friends with whom and who blocked whom: the questions other modules ask (rooms before opening a
 * direct room, messages before a send, presence before telling someone you are online). Read-only; the
 * friends and blocks services make the changes.
 */
@Injectable()
export class RelationsService {
  constructor(
    @InjectRepository(FriendshipEntity) private readonly friendships: Repository<FriendshipEntity>,
    @InjectRepository(UserBlockEntity) private readonly blocks: Repository<UserBlockEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** DM_POLICY: whether a direct room needs a friendship. */
  get dmPolicy(): DmPolicy {
    return this.config.dmPolicy;
  }

  async areFriends(a: string, b: string): Promise<boolean> {
    if (a === b) return false;
    const [userLowId, userHighId] = orderedPair(a, b);
    return this.friendships.existsBy({ userLowId, userHighId });
  }

  /** Did `blocker` block `blocked`? */
  async isBlocked(blocker: string, blocked: string): Promise<boolean> {
    return this.blocks.existsBy({ blockerId: blocker, blockedId: blocked });
  }

  async blockedEitherWay(a: string, b: string): Promise<boolean> {
    return (await this.blocksBetween(a, b)).length > 0;
  }

  /** The users who blocked `userId` (so `userId` must not see their presence). */
  async blockerIdsOf(userId: string): Promise<string[]> {
    const rows = await this.blocks.find({ where: { blockedId: userId }, select: { blockerId: true } });
    return rows.map((r) => r.blockerId);
  }

  /** The users `userId` blocked. */
  async blockedIdsBy(userId: string): Promise<string[]> {
    const rows = await this.blocks.find({ where: { blockerId: userId }, select: { blockedId: true } });
    return rows.map((r) => r.blockedId);
  }

  /** Among `others`: whom `me` blocked, and who blocked `me`. */
  async blocksAmong(me: string, others: string[]): Promise<{ byMe: Set<string>; me: Set<string> }> {
    const rows = await this.blocks.find({
      where: [
        { blockerId: me, blockedId: In(others) },
        { blockedId: me, blockerId: In(others) },
      ],
      select: { blockerId: true, blockedId: true },
    });
    return { byMe: new Set(rows.filter((r) => r.blockerId === me).map((r) => r.blockedId)), me: new Set(rows.filter((r) => r.blockedId === me).map((r) => r.blockerId)) };
  }

  /** Everyone `userId` is friends with (active or not). */
  async friendIdsOf(userId: string): Promise<string[]> {
    const rows = await this.friendships.find({ where: [{ userLowId: userId }, { userHighId: userId }] });
    return rows.map((r) => (r.userLowId === userId ? r.userHighId : r.userLowId));
  }

  /**
   * May `me` open (or reopen) the direct room with `otherId`? Not when either blocked the other, and with
   * DM_POLICY=friends only between friends. Throws a 403 that says which.
   */
  async assertCanOpenDirect(me: string, otherId: string): Promise<void> {
    await this.assertNotBlocked(me, otherId, 'start a conversation with');
    if (this.config.dmPolicy === DmPolicy.Friends && !(await this.areFriends(me, otherId))) {
      throw errors.forbidden('On this server you can only message your friends: send a friend request first');
    }
  }

  /**
   * 403 when either blocked the other, saying which: "You cannot <what> a user you blocked; …" or "You
   * cannot <what> this user: they have blocked you".
   */
  async assertNotBlocked(me: string, otherId: string, what: string): Promise<void> {
    const found = await this.blocksBetween(me, otherId);
    if (found.some((b) => b.blockerId === me)) throw errors.forbidden(`You cannot ${what} a user you blocked; unblock them first`);
    if (found.length) throw errors.forbidden(`You cannot ${what} this user: they have blocked you`);
  }

  private blocksBetween(a: string, b: string): Promise<UserBlockEntity[]> {
    return this.blocks.find({
      where: [
        { blockerId: a, blockedId: b },
        { blockerId: b, blockedId: a },
      ],
      select: { blockerId: true, blockedId: true },
    });
  }
}
