import type { ModuleRef } from '@nestjs/core';
import { AppEvents } from '../events/app-events';
import { RecordingEvents } from '../events/testing/recording-events';
import { openTestDatabase, TestDatabase } from '../testing/test-database';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { BlocksService } from './blocks.service';
import { FriendPresence } from './friend-presence';
import { FriendRequestEntity } from './friend-request.entity';
import { FriendsService } from './friends.service';
import { FriendshipEntity } from './friendship.entity';
import { RelationsService } from './relations.service';
import { UserBlockEntity } from './user-block.entity';

/** No gateway runs in unit tests: presence falls back to offline. */
const noGateway = { get: () => null } as unknown as ModuleRef;

let n = 0;

describe('friends and blocks', () => {
  let db: TestDatabase;
  let users: UsersService;
  let relations: RelationsService;
  let friends: FriendsService;
  let blocks: BlocksService;
  let events: RecordingEvents;

  const makeUser = async (patch: Partial<UserEntity> = {}): Promise<UserEntity> => {
    n++;
    const user = await users.create({ username: `friend${n}`, email: `friend${n}@example.com`, displayName: `Friend ${n}`, passwordHash: '$argon2id$fake' });
    return Object.assign(user, patch);
  };

  const setUp = async (env: Record<string, string> = {}) => {
    db = await openTestDatabase(env);
    const repo = <T extends object>(e: new () => T) => db.dataSource.getRepository(e);
    users = new UsersService(repo(UserEntity), new AppEvents());
    events = new RecordingEvents();
    relations = new RelationsService(repo(FriendshipEntity), repo(UserBlockEntity), db.config);
    friends = new FriendsService(repo(FriendRequestEntity), repo(FriendshipEntity), repo(UserEntity), relations, new FriendPresence(noGateway), events);
    blocks = new BlocksService(repo(UserBlockEntity), repo(UserEntity), friends, new AppEvents());
  };

  afterEach(() => db.close());

  describe('with the default DM_POLICY', () => {
    beforeEach(() => setUp());

    it('turns a request into a friendship when accepted, and tells both sides', async () => {
      const [ada, bob] = [await makeUser(), await makeUser()];
      const sent = await friends.send(ada, bob.id);
      expect(sent.outcome).toBe('requested');
      expect(events.payloads('friend.requested')).toEqual([{ request: sent.request }]);
      expect((await friends.pending(bob.id)).incoming.map((r) => r.from.id)).toEqual([ada.id]);
      expect((await friends.pending(ada.id)).outgoing.map((r) => r.to.id)).toEqual([bob.id]);

      const friend = await friends.accept(bob, sent.request!.id);
      expect(friend).toMatchObject({ user: { id: ada.id }, presence: { userId: ada.id, status: 'offline', lastSeenAt: null } });
      expect(await relations.areFriends(ada.id, bob.id)).toBe(true);
      expect(await relations.areFriends(bob.id, ada.id)).toBe(true);
      // Each side sees the other as the friend.
      expect(events.payloads('friend.accepted')).toEqual([
        {
          requestId: sent.request!.id,
          sides: [
            { userId: bob.id, friend },
            { userId: ada.id, friend: expect.objectContaining({ user: expect.objectContaining({ id: bob.id }) }) },
          ],
        },
      ]);
      expect(await friends.pending(bob.id)).toEqual({ incoming: [], outgoing: [] });
      expect((await friends.list(ada.id)).map((f) => f.user.id)).toEqual([bob.id]);
    });

    it('makes crossing requests sent at the same moment one friendship, never two requests', async () => {
      const [ada, bob] = [await makeUser(), await makeUser()];
      const results = await Promise.all([friends.send(ada, bob.id), friends.send(bob, ada.id)]);
      expect(results.map((r) => r.outcome).sort()).toEqual(['friends', 'requested']);
      expect(await db.dataSource.getRepository(FriendshipEntity).count()).toBe(1);
      expect(await friends.pending(ada.id)).toEqual({ incoming: [], outgoing: [] });
      expect(events.payloads('friend.accepted')).toHaveLength(1);
    });

    it('keeps one request when the same one is sent twice at once', async () => {
      const [ada, bob] = [await makeUser(), await makeUser()];
      const results = await Promise.allSettled([friends.send(ada, bob.id), friends.send(ada, bob.id)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(failed.reason).toMatchObject({ status: 409, message: 'You have already sent this user a friend request' });
      expect((await friends.pending(bob.id)).incoming).toHaveLength(1);
    });

    it('refuses requests to yourself, to strangers that do not exist, to deactivated users and to friends', async () => {
      const [ada, bob, gone] = [await makeUser(), await makeUser(), await makeUser()];
      await users.setActive(gone.id, false);
      await expect(friends.send(ada, ada.id)).rejects.toMatchObject({ status: 400, message: 'You cannot send a friend request to yourself' });
      await expect(friends.send(ada, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
      await expect(friends.send(ada, gone.id)).rejects.toMatchObject({ status: 403, message: 'That account is deactivated' });
      const sent = await friends.send(ada, bob.id);
      await friends.accept(bob, sent.request!.id);
      await expect(friends.send(bob, ada.id)).rejects.toMatchObject({ status: 409, message: 'You are already friends with this user' });
    });

    it('lets only the recipient accept or decline, and only the sender withdraw', async () => {
      const [ada, bob, eve] = [await makeUser(), await makeUser(), await makeUser()];
      const { request } = await friends.send(ada, bob.id);
      await expect(friends.accept(ada, request!.id)).rejects.toMatchObject({ status: 403 });
      await expect(friends.accept(eve, request!.id)).rejects.toMatchObject({ status: 404, message: 'Friend request not found' });
      await expect(friends.decline(ada.id, request!.id)).rejects.toMatchObject({ status: 403 });
      await expect(friends.cancel(bob.id, request!.id)).rejects.toMatchObject({ status: 403 });
      await expect(friends.cancel(eve.id, request!.id)).rejects.toMatchObject({ status: 404 });

      await friends.cancel(ada.id, request!.id);
      expect(events.payloads('friend.request-removed')).toEqual([{ requestId: request!.id, userIds: [ada.id, bob.id] }]);
      await expect(friends.accept(bob, request!.id)).rejects.toMatchObject({ status: 404 });
    });

    it('lets a declined sender ask again, telling them only that the request is gone', async () => {
      const [ada, bob] = [await makeUser(), await makeUser()];
      const first = await friends.send(ada, bob.id);
      await friends.decline(bob.id, first.request!.id);
      expect(events.payloads('friend.request-removed')).toEqual([{ requestId: first.request!.id, userIds: [ada.id, bob.id] }]);
      expect((await friends.pending(ada.id)).outgoing).toEqual([]);
      const again = await friends.send(ada, bob.id);
      expect(again.outcome).toBe('requested');
      expect(again.request!.id).not.toBe(first.request!.id);
    });

    it('answers a request once when accept and withdraw race', async () => {
      const [ada, bob] = [await makeUser(), await makeUser()];
      const { request } = await friends.send(ada, bob.id);
      const results = await Promise.allSettled([friends.accept(bob, request!.id), friends.cancel(ada.id, request!.id)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const friendships = await db.dataSource.getRepository(FriendshipEntity).count();
      expect(friendships).toBe(results[0].status === 'fulfilled' ? 1 : 0);
    });

    it('unfriends, telling both sides, and 404s when not friends', async () => {
      const [ada, bob] = [await makeUser(), await makeUser()];
      await friends.accept(bob, (await friends.send(ada, bob.id)).request!.id);
      await friends.unfriend(bob.id, ada.id);
      expect(events.payloads('friend.removed')).toEqual([{ userIds: [bob.id, ada.id] }]);
      expect(await friends.list(ada.id)).toEqual([]);
      await expect(friends.unfriend(bob.id, ada.id)).rejects.toMatchObject({ status: 404, message: 'You are not friends with this user' });
    });

    it('caps unanswered outgoing requests', async () => {
      const ada = await makeUser();
      const repo = db.dataSource.getRepository(FriendRequestEntity);
      // Fill the quota directly: 100 users through the service would only slow the test down.
      const others: UserEntity[] = [];
      for (let i = 0; i < 100; i++) others.push(await makeUser());
      await repo.insert(others.map((o) => ({ requesterId: ada.id, addresseeId: o.id, pairKey: [ada.id, o.id].sort().join(':'), status: 'pending' as const })));
      const one = await makeUser();
      await expect(friends.send(ada, one.id)).rejects.toMatchObject({ status: 409, message: expect.stringContaining('100 unanswered friend requests') });
    });

    it('blocking ends the friendship and pending requests, both ways told, and stops new requests both ways', async () => {
      const [ada, bob, cal] = [await makeUser(), await makeUser(), await makeUser()];
      await friends.accept(bob, (await friends.send(ada, bob.id)).request!.id);
      const pending = await friends.send(cal, ada.id);

      await blocks.block(ada.id, bob.id);
      await blocks.block(ada.id, cal.id);
      expect(await relations.areFriends(ada.id, bob.id)).toBe(false);
      expect(events.payloads('friend.removed')).toEqual([{ userIds: [ada.id, bob.id] }]);
      expect(events.payloads('friend.request-removed')).toEqual([{ requestId: pending.request!.id, userIds: [ada.id, cal.id] }]);
      expect(await friends.pending(ada.id)).toEqual({ incoming: [], outgoing: [] });

      await expect(friends.send(bob, ada.id)).rejects.toMatchObject({ status: 403, message: 'This user is not accepting friend requests from you' });
      await expect(friends.send(ada, bob.id)).rejects.toMatchObject({ status: 403, message: expect.stringContaining('You have blocked this user') });
      await expect(blocks.block(ada.id, bob.id)).rejects.toMatchObject({ status: 409 });
      await expect(blocks.block(ada.id, ada.id)).rejects.toMatchObject({ status: 400 });
      expect((await blocks.list(ada.id)).map((b) => b.user.id).sort()).toEqual([bob.id, cal.id].sort());

      await blocks.unblock(ada.id, bob.id);
      await expect(blocks.unblock(ada.id, bob.id)).rejects.toMatchObject({ status: 404 });
      // Unblocking brings nothing back, but a new request may be sent.
      expect(await relations.areFriends(ada.id, bob.id)).toBe(false);
      expect((await friends.send(bob, ada.id)).outcome).toBe('requested');
    });

    it('answers the questions other modules ask', async () => {
      const [ada, bob, cal] = [await makeUser(), await makeUser(), await makeUser()];
      await friends.accept(bob, (await friends.send(ada, bob.id)).request!.id);
      await blocks.block(cal.id, ada.id);

      expect(await relations.isBlocked(cal.id, ada.id)).toBe(true);
      expect(await relations.isBlocked(ada.id, cal.id)).toBe(false);
      expect(await relations.blockedEitherWay(ada.id, cal.id)).toBe(true);
      expect(await relations.blockedEitherWay(ada.id, bob.id)).toBe(false);
      expect(await relations.blockerIdsOf(ada.id)).toEqual([cal.id]);
      expect(await relations.blockedIdsBy(cal.id)).toEqual([ada.id]);
      expect(await relations.friendIdsOf(ada.id)).toEqual([bob.id]);
      expect(relations.dmPolicy).toBe('friends');

      await expect(relations.assertCanOpenDirect(ada.id, bob.id)).resolves.toBeUndefined();
      await expect(relations.assertCanOpenDirect(bob.id, cal.id)).rejects.toMatchObject({ status: 403, message: expect.stringContaining('only message your friends') });
      await expect(relations.assertCanOpenDirect(ada.id, cal.id)).rejects.toMatchObject({ status: 403, message: expect.stringContaining('they have blocked you') });
      await expect(relations.assertCanOpenDirect(cal.id, ada.id)).rejects.toMatchObject({ status: 403, message: expect.stringContaining('a user you blocked') });
      await expect(relations.assertNotBlocked(ada.id, cal.id, 'send messages to')).rejects.toMatchObject({ status: 403, code: 'forbidden' });
      await expect(relations.assertNotBlocked(cal.id, ada.id, 'send messages to')).rejects.toMatchObject({ status: 403 });
      await expect(relations.assertNotBlocked(bob.id, cal.id, 'send messages to')).resolves.toBeUndefined();
    });
  });

  describe('with DM_POLICY=anyone', () => {
    beforeEach(() => setUp({ DM_POLICY: 'anyone' }));

    it('lets strangers open a direct room, but never across a block', async () => {
      const [ada, bob, cal] = [await makeUser(), await makeUser(), await makeUser()];
      await blocks.block(cal.id, ada.id);
      expect(relations.dmPolicy).toBe('anyone');
      await expect(relations.assertCanOpenDirect(ada.id, bob.id)).resolves.toBeUndefined();
      await expect(relations.assertCanOpenDirect(ada.id, cal.id)).rejects.toMatchObject({ status: 403 });
    });
  });
});
