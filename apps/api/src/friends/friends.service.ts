import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DmPolicy, Friend, FRIEND_REQUESTS_PENDING_MAX, FriendRequestList, Relation, SendFriendRequestResult } from '@parley/contracts';
import { In, IsNull, Repository } from 'typeorm';
import { AppEvents } from '../events/app-events';
import { UserEntity } from '../users/user.entity';
import { FriendPresence } from './friend-presence';
import { FriendRequestEntity, FriendRequestStatus } from './friend-request.entity';
import { toFriend, toFriendRequest } from './friends.mapper';
import { FriendshipEntity, orderedPair, pairKey } from './friendship.entity';
import { RelationsService } from './relations.service';
import { isUniqueViolation } from '../common/unique-violation';
import { errors } from '../common/errors';

const requestNotFound = () => errors.notFound('Friend request');

const byName = (a: UserEntity, b: UserEntity) =>
  a.displayName.localeCompare(b.displayName, undefined, { sensitivity: 'base' }) || a.username.localeCompare(b.username);

/**
 * Friend requests and friendships. Every change is a single statement whose constraint or condition decides
 * races (one pending request per pair, one friendship per pair, a request answered once), followed by a
 * re-check where a block may have slipped in meanwhile; no multi-statement transactions, which SQLite's single
 * shared connection cannot run side by side.
 */
@Injectable()
export class FriendsService {
  constructor(
    @InjectRepository(FriendRequestEntity) private readonly requests: Repository<FriendRequestEntity>,
    @InjectRepository(FriendshipEntity) private readonly friendships: Repository<FriendshipEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly relations: RelationsService,
    private readonly presence: FriendPresence,
    private readonly events: AppEvents,
  ) {}

  /** My friends with their presence, by name. Deactivated accounts are left out (the friendship stays). */
  async list(me: string): Promise<Friend[]> {
    const rows = await this.friendships.find({ where: [{ userLowId: me }, { userHighId: me }] });
    if (!rows.length) return [];
    const since = new Map(rows.map((r) => [r.userLowId === me ? r.userHighId : r.userLowId, r.createdAt]));
    const users = (await this.users.findBy({ id: In([...since.keys()]), deactivatedAt: IsNull() })).sort(byName);
    const presence = await this.presence.of(users);
    return users.map((u) => toFriend(u, since.get(u.id)!, presence.get(u.id)!));
  }

  /** Pending requests to and from me, newest first; those involving a deactivated account are left out. */
  async pending(me: string): Promise<FriendRequestList> {
    const rows = await this.requests.find({
      where: [
        { requesterId: me, status: FriendRequestStatus.Pending },
        { addresseeId: me, status: FriendRequestStatus.Pending },
      ],
      relations: { requester: true, addressee: true },
      order: { createdAt: 'DESC' },
    });
    const visible = rows.filter((r) => r.requester!.active && r.addressee!.active);
    const toDto = (r: FriendRequestEntity) => toFriendRequest(r, r.requester!, r.addressee!);
    return {
      incoming: visible.filter((r) => r.addresseeId === me).map(toDto),
      outgoing: visible.filter((r) => r.requesterId === me).map(toDto),
    };
  }

  /** How each of `userIds` stands to `me`, and whether `me` may message them; three queries whatever the count. */
  async relationsWith(me: string, userIds: string[]): Promise<Map<string, { relation: Relation; canMessage: boolean }>> {
    const others = userIds.filter((id) => id !== me);
    const out = new Map<string, { relation: Relation; canMessage: boolean }>();
    if (userIds.includes(me)) out.set(me, { relation: Relation.Self, canMessage: false });
    if (others.length === 0) return out;
    const [friendships, requests, blocked] = await Promise.all([
      this.friendships.find({ where: [{ userLowId: me, userHighId: In(others) }, { userHighId: me, userLowId: In(others) }] }),
      this.requests.find({
        where: [
          { requesterId: me, addresseeId: In(others), status: FriendRequestStatus.Pending },
          { addresseeId: me, requesterId: In(others), status: FriendRequestStatus.Pending },
        ],
      }),
      this.relations.blocksAmong(me, others),
    ]);
    const friends = new Set(friendships.map((f) => (f.userLowId === me ? f.userHighId : f.userLowId)));
    const sent = new Set(requests.filter((r) => r.requesterId === me).map((r) => r.addresseeId));
    const received = new Set(requests.filter((r) => r.addresseeId === me).map((r) => r.requesterId));
    const anyone = this.relations.dmPolicy === DmPolicy.Anyone;
    for (const id of others) {
      const relation = blocked.byMe.has(id)
        ? Relation.Blocked
        : friends.has(id)
          ? Relation.Friend
          : sent.has(id)
            ? Relation.RequestSent
            : received.has(id)
              ? Relation.RequestReceived
              : Relation.None;
      const blockedEitherWay = blocked.byMe.has(id) || blocked.me.has(id);
      out.set(id, { relation, canMessage: !blockedEitherWay && (anyone || friends.has(id)) });
    }
    return out;
  }

  /**
   * Asks `targetId` to be friends. If they had already asked me, that request is accepted instead and we are
   * friends at once. A request racing another (a duplicate, or the other user asking at the same moment)
   * loses at the unique index and is decided again, now seeing the winner.
   */
  async send(me: UserEntity, targetId: string): Promise<SendFriendRequestResult> {
    try {
      return await this.trySend(me, targetId);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return this.trySend(me, targetId);
    }
  }

  async accept(me: UserEntity, requestId: string): Promise<Friend> {
    const request = await this.requests.findOne({
      where: { id: requestId, status: FriendRequestStatus.Pending },
      relations: { requester: true },
    });
    if (!request || (request.addresseeId !== me.id && request.requesterId !== me.id)) throw requestNotFound();
    if (request.requesterId === me.id) throw errors.forbidden('Only the person you asked can accept this friend request');
    if (!request.requester!.active) throw errors.forbidden('That account is deactivated');
    return this.acceptPending(request, request.requester!, me);
  }

  /** The recipient says no. The sender only sees the request disappear, and may ask again later. */
  async decline(me: string, requestId: string): Promise<void> {
    const request = await this.pendingOf(me, requestId);
    if (request.addresseeId !== me) throw errors.forbidden('You cannot decline a request you sent; withdraw it instead');
    await this.close(request, FriendRequestStatus.Declined);
  }

  /** The sender withdraws their request. */
  async cancel(me: string, requestId: string): Promise<void> {
    const request = await this.pendingOf(me, requestId);
    if (request.requesterId !== me) throw errors.forbidden('Only the sender can withdraw a friend request; decline it instead');
    await this.close(request, FriendRequestStatus.Cancelled);
  }

  async unfriend(me: string, userId: string): Promise<void> {
    const [userLowId, userHighId] = orderedPair(me, userId);
    const removed = await this.friendships.delete({ userLowId, userHighId });
    if (!removed.affected) throw errors.notFound('Friendship', 'You are not friends with this user');
    await this.events.emit('friend.removed', { userIds: [me, userId] });
  }

  /** After a block: the friendship and any pending request between the two end, and both sides are told. */
  async endEverythingBetween(a: string, b: string): Promise<void> {
    const open = await this.requests.findBy({ pairKey: pairKey(a, b), status: FriendRequestStatus.Pending });
    for (const request of open) {
      if (await this.resolve(request.id, FriendRequestStatus.Cancelled)) await this.events.emit('friend.request-removed', { requestId: request.id, userIds: [a, b] });
    }
    const [userLowId, userHighId] = orderedPair(a, b);
    const removed = await this.friendships.delete({ userLowId, userHighId });
    if (removed.affected) await this.events.emit('friend.removed', { userIds: [a, b] });
  }

  private async trySend(me: UserEntity, targetId: string): Promise<SendFriendRequestResult> {
    if (targetId === me.id) throw errors.badRequest('You cannot send a friend request to yourself');
    const target = await this.users.findOneBy({ id: targetId });
    if (!target) throw errors.notFound('User');
    if (!target.active) throw errors.forbidden('That account is deactivated');
    await this.assertNoBlock(me.id, target.id);
    if (await this.relations.areFriends(me.id, target.id)) throw errors.conflict('You are already friends with this user');

    const key = pairKey(me.id, target.id);
    const pending = await this.requests.findOneBy({ pairKey: key, status: FriendRequestStatus.Pending });
    if (pending?.requesterId === me.id) throw errors.conflict('You have already sent this user a friend request');
    if (pending) {
      // Crossing requests: they asked me first, so my request is their answer.
      return { outcome: 'friends', request: null, friend: await this.acceptPending(pending, target, me) };
    }
    if ((await this.requests.countBy({ requesterId: me.id, status: FriendRequestStatus.Pending })) >= FRIEND_REQUESTS_PENDING_MAX) {
      throw errors.conflict(`You have ${FRIEND_REQUESTS_PENDING_MAX} unanswered friend requests; withdraw some before sending more`);
    }

    const created = await this.requests.save(
      this.requests.create({ requesterId: me.id, addresseeId: target.id, pairKey: key, status: FriendRequestStatus.Pending, resolvedAt: null }),
    );
    // A block may have landed between the checks and the insert: then the request must not stand.
    if (await this.relations.blockedEitherWay(me.id, target.id)) {
      await this.resolve(created.id, FriendRequestStatus.Cancelled);
      await this.assertNoBlock(me.id, target.id);
    }
    const request = toFriendRequest(created, me, target);
    await this.events.emit('friend.requested', { request });
    return { outcome: 'requested', request, friend: null };
  }

  /** Accepts a pending request on behalf of its recipient; returns the new friend as the recipient sees them. */
  private async acceptPending(request: FriendRequestEntity, requester: UserEntity, addressee: UserEntity): Promise<Friend> {
    // Claim the request first: of an accept, a decline and a withdrawal racing, exactly one wins.
    if (!(await this.resolve(request.id, FriendRequestStatus.Accepted))) throw requestNotFound();
    const [userLowId, userHighId] = orderedPair(requester.id, addressee.id);
    await this.friendships.createQueryBuilder().insert().values({ userLowId, userHighId }).orIgnore().execute();
    if (await this.relations.blockedEitherWay(requester.id, addressee.id)) {
      // A block landed meanwhile; it wins.
      await this.friendships.delete({ userLowId, userHighId });
      await this.assertNoBlock(addressee.id, requester.id);
    }
    const { createdAt: since } = await this.friendships.findOneByOrFail({ userLowId, userHighId });
    const presence = await this.presence.of([requester, addressee]);
    const forAddressee = toFriend(requester, since, presence.get(requester.id)!);
    const forRequester = toFriend(addressee, since, presence.get(addressee.id)!);
    await this.events.emit('friend.accepted', {
      requestId: request.id,
      sides: [
        { userId: addressee.id, friend: forAddressee },
        { userId: requester.id, friend: forRequester },
      ],
    });
    return forAddressee;
  }

  private async assertNoBlock(me: string, targetId: string): Promise<void> {
    if (await this.relations.isBlocked(me, targetId)) {
      throw errors.forbidden('You have blocked this user; unblock them before sending a friend request');
    }
    if (await this.relations.isBlocked(targetId, me)) throw errors.forbidden('This user is not accepting friend requests from you');
  }

  private async pendingOf(me: string, requestId: string): Promise<FriendRequestEntity> {
    const request = await this.requests.findOneBy({ id: requestId, status: FriendRequestStatus.Pending });
    if (!request || (request.addresseeId !== me && request.requesterId !== me)) throw requestNotFound();
    return request;
  }

  private async close(request: FriendRequestEntity, status: FriendRequestStatus): Promise<void> {
    if (!(await this.resolve(request.id, status))) throw requestNotFound();
    await this.events.emit('friend.request-removed', { requestId: request.id, userIds: [request.requesterId, request.addresseeId] });
  }

  /** Answers a request if it is still pending; false when something else answered it first. */
  private async resolve(id: string, status: FriendRequestStatus): Promise<boolean> {
    const result = await this.requests.update({ id, status: FriendRequestStatus.Pending }, { status, resolvedAt: new Date() });
    return result.affected === 1;
  }
}
