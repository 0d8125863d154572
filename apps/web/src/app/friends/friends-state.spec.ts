import { BlockedUser, Friend, FriendRequest, PresenceStatus, PublicUser } from '@parley/contracts';
import {
  EMPTY_FRIENDS_STATE,
  FriendsState,
  relationTo,
  withBlock,
  withFriend,
  withRequest,
  withUser,
  withoutBlock,
  withoutFriend,
  withoutRequest,
} from './friends-state';

const CREATED = '2026-01-01T00:00:00.000Z';

function makeUser(id: string, displayName = `User ${id}`): PublicUser {
  return { id, username: `user${id}`, displayName, statusText: '', avatarUrl: `/api/users/${id}/avatar?v=1`, createdAt: CREATED };
}

function makeFriend(user: PublicUser, status: PresenceStatus = PresenceStatus.Offline): Friend {
  return { user, presence: { userId: user.id, status, lastSeenAt: null }, since: CREATED };
}

function makeRequest(id: string, from: PublicUser, to: PublicUser): FriendRequest {
  return { id, from, to, createdAt: CREATED };
}

function makeBlocked(user: PublicUser): BlockedUser {
  return { user, blockedAt: CREATED };
}

const me = makeUser('me', 'Me');
const ana = makeUser('ana', 'ana Lovelace');
const bo = makeUser('bo', 'Bo Diddley');
const cy = makeUser('cy', 'Cy Twombly');

describe('relationTo', () => {
  const state: FriendsState = {
    friends: [makeFriend(ana)],
    incoming: [makeRequest('r1', bo, me)],
    outgoing: [makeRequest('r2', me, cy)],
    blocked: [makeBlocked(makeUser('zed'))],
  };

  it('tells yourself, friends, requests either way, blocked users and strangers apart', () => {
    expect(relationTo(state, 'me', 'me').kind).toBe('self');
    expect(relationTo(state, 'me', 'ana')).toEqual({ kind: 'friend', friend: state.friends[0] });
    expect(relationTo(state, 'me', 'bo')).toEqual({ kind: 'incoming', request: state.incoming[0] });
    expect(relationTo(state, 'me', 'cy')).toEqual({ kind: 'outgoing', request: state.outgoing[0] });
    expect(relationTo(state, 'me', 'zed').kind).toBe('blocked');
    expect(relationTo(state, 'me', 'nobody').kind).toBe('none');
  });
});

describe('applying changes', () => {
  it('files a new request under incoming or outgoing by who sent it, newest first, once', () => {
    let state = withRequest(EMPTY_FRIENDS_STATE, makeRequest('r1', ana, me), 'me');
    state = withRequest(state, makeRequest('r2', bo, me), 'me');
    state = withRequest(state, makeRequest('r2', bo, me), 'me');
    state = withRequest(state, makeRequest('r3', me, cy), 'me');
    expect(state.incoming.map((r) => r.id)).toEqual(['r2', 'r1']);
    expect(state.outgoing.map((r) => r.id)).toEqual(['r3']);
  });

  it('ignores a request between two other people', () => {
    expect(withRequest(EMPTY_FRIENDS_STATE, makeRequest('r1', ana, bo), 'me')).toBe(EMPTY_FRIENDS_STATE);
  });

  it('drops a withdrawn or declined request from whichever list holds it', () => {
    const state = withRequest(withRequest(EMPTY_FRIENDS_STATE, makeRequest('r1', ana, me), 'me'), makeRequest('r2', me, bo), 'me');
    expect(withoutRequest(state, 'r1').incoming).toEqual([]);
    expect(withoutRequest(state, 'r2').outgoing).toEqual([]);
    expect(withoutRequest(state, 'unknown')).toBe(state);
  });

  it('adds a new friend in name order (case-blind) and settles any request between you, applied twice or not', () => {
    let state = withRequest(EMPTY_FRIENDS_STATE, makeRequest('r1', cy, me), 'me');
    state = withFriend(state, makeFriend(bo));
    state = withFriend(state, makeFriend(cy));
    state = withFriend(state, makeFriend(ana));
    state = withFriend(state, makeFriend(ana));
    expect(state.friends.map((f) => f.user.displayName)).toEqual(['ana Lovelace', 'Bo Diddley', 'Cy Twombly']);
    expect(state.incoming).toEqual([]);
  });

  it('removes an unfriended user', () => {
    const state = withFriend(withFriend(EMPTY_FRIENDS_STATE, makeFriend(ana)), makeFriend(bo));
    expect(withoutFriend(state, 'ana').friends.map((f) => f.user.id)).toEqual(['bo']);
    expect(withoutFriend(state, 'nobody')).toBe(state);
  });

  it('a block ends the friendship and pending requests with that person only', () => {
    let state = withFriend(withFriend(EMPTY_FRIENDS_STATE, makeFriend(ana)), makeFriend(bo));
    state = withRequest(state, makeRequest('r1', me, cy), 'me');
    state = withBlock(state, makeBlocked(ana));
    state = withBlock(state, makeBlocked(cy));
    expect(state.friends.map((f) => f.user.id)).toEqual(['bo']);
    expect(state.outgoing).toEqual([]);
    expect(state.blocked.map((b) => b.user.id)).toEqual(['cy', 'ana']);
    expect(withoutBlock(state, 'cy').blocked.map((b) => b.user.id)).toEqual(['ana']);
  });
});

describe('withUser', () => {
  it('shows a changed profile wherever the person is listed, and keeps friends in name order', () => {
    const state: FriendsState = {
      friends: [makeFriend(ana), makeFriend(bo)],
      incoming: [makeRequest('r1', bo, me)],
      outgoing: [makeRequest('r2', me, cy)],
      blocked: [],
    };
    const zed = { ...ana, displayName: 'Zed Shaw', avatarUrl: '/api/users/ana/avatar?v=2' };
    const next = withUser(state, zed);
    expect(next.friends.map((f) => f.user.displayName)).toEqual(['Bo Diddley', 'Zed Shaw']);
    expect(next.friends[1]!.user.avatarUrl).toBe('/api/users/ana/avatar?v=2');

    const boNow = { ...bo, displayName: 'Bo D.' };
    expect(withUser(state, boNow).incoming[0]!.from.displayName).toBe('Bo D.');
    expect(withUser(state, { ...cy, statusText: 'away' }).outgoing[0]!.to.statusText).toBe('away');
    expect(withUser({ ...EMPTY_FRIENDS_STATE, blocked: [makeBlocked(cy)] }, { ...cy, displayName: 'C' }).blocked[0]!.user.displayName).toBe('C');
    // Someone not listed changes nothing.
    expect(withUser(state, makeUser('nobody'))).toBe(state);
  });
});
