import { BlockedUser, Friend, FriendRequest, PublicUser } from '@parley/contracts';

/**
 * Everything the friends page shows, as plain data. The functions below apply one change each (an answer
 * from the API or a live event) and return a new state; applying the same change twice (the answer to our
 * own action, then the event about it) changes nothing the second time.
 */
export interface FriendsState {
  /** By display name. */
  friends: readonly Friend[];
  /** Newest first. */
  incoming: readonly FriendRequest[];
  outgoing: readonly FriendRequest[];
  /** Most recent first. */
  blocked: readonly BlockedUser[];
}

export const EMPTY_FRIENDS_STATE: FriendsState = { friends: [], incoming: [], outgoing: [], blocked: [] };

/** Where someone stands with the signed-in user: decides which actions a card or a search result offers. */
export type Relation =
  | { kind: 'self' }
  | { kind: 'friend'; friend: Friend }
  | { kind: 'incoming'; request: FriendRequest }
  | { kind: 'outgoing'; request: FriendRequest }
  | { kind: 'blocked' }
  | { kind: 'none' };

const byName = (a: Friend, b: Friend) =>
  a.user.displayName.localeCompare(b.user.displayName, undefined, { sensitivity: 'base' }) || a.user.username.localeCompare(b.user.username);

const involves = (request: FriendRequest, userId: string) => request.from.id === userId || request.to.id === userId;

export function relationTo(state: FriendsState, me: string | null, userId: string): Relation {
  if (userId === me) return { kind: 'self' };
  if (state.blocked.some((b) => b.user.id === userId)) return { kind: 'blocked' };
  const friend = state.friends.find((f) => f.user.id === userId);
  if (friend) return { kind: 'friend', friend };
  const incoming = state.incoming.find((r) => r.from.id === userId);
  if (incoming) return { kind: 'incoming', request: incoming };
  const outgoing = state.outgoing.find((r) => r.to.id === userId);
  if (outgoing) return { kind: 'outgoing', request: outgoing };
  return { kind: 'none' };
}

/** A new request, ours (sent from here or another device) or theirs. */
export function withRequest(state: FriendsState, request: FriendRequest, me: string): FriendsState {
  const key = request.to.id === me ? 'incoming' : request.from.id === me ? 'outgoing' : null;
  if (!key) return state;
  const others = state[key].filter((r) => r.id !== request.id);
  return { ...state, [key]: [request, ...others] };
}

/** Withdrawn, declined, accepted or ended by a block. */
export function withoutRequest(state: FriendsState, requestId: string): FriendsState {
  if (!state.incoming.some((r) => r.id === requestId) && !state.outgoing.some((r) => r.id === requestId)) return state;
  return {
    ...state,
    incoming: state.incoming.filter((r) => r.id !== requestId),
    outgoing: state.outgoing.filter((r) => r.id !== requestId),
  };
}

/** A new friend: any request between the two of you is settled. */
export function withFriend(state: FriendsState, friend: Friend): FriendsState {
  const userId = friend.user.id;
  return {
    ...state,
    friends: [...state.friends.filter((f) => f.user.id !== userId), friend].sort(byName),
    incoming: state.incoming.filter((r) => !involves(r, userId)),
    outgoing: state.outgoing.filter((r) => !involves(r, userId)),
  };
}

export function withoutFriend(state: FriendsState, userId: string): FriendsState {
  if (!state.friends.some((f) => f.user.id === userId)) return state;
  return { ...state, friends: state.friends.filter((f) => f.user.id !== userId) };
}

/** A block ends the friendship and any pending request as well. */
export function withBlock(state: FriendsState, blocked: BlockedUser): FriendsState {
  const userId = blocked.user.id;
  return {
    friends: state.friends.filter((f) => f.user.id !== userId),
    incoming: state.incoming.filter((r) => !involves(r, userId)),
    outgoing: state.outgoing.filter((r) => !involves(r, userId)),
    blocked: [blocked, ...state.blocked.filter((b) => b.user.id !== userId)],
  };
}

export function withoutBlock(state: FriendsState, userId: string): FriendsState {
  if (!state.blocked.some((b) => b.user.id === userId)) return state;
  return { ...state, blocked: state.blocked.filter((b) => b.user.id !== userId) };
}


/** Someone changed their profile (`user:updated`): wherever they are listed, they show as they are now. */
export function withUser(state: FriendsState, user: PublicUser): FriendsState {
  const swap = (u: PublicUser) => (u.id === user.id ? user : u);
  const listed = (u: PublicUser) => u.id === user.id;
  const inRequests = (list: readonly FriendRequest[]) => list.some((r) => listed(r.from) || listed(r.to));
  if (!state.friends.some((f) => listed(f.user)) && !inRequests(state.incoming) && !inRequests(state.outgoing) && !state.blocked.some((b) => listed(b.user))) {
    return state;
  }
  const request = (r: FriendRequest) => (listed(r.from) || listed(r.to) ? { ...r, from: swap(r.from), to: swap(r.to) } : r);
  return {
    friends: state.friends.map((f) => (listed(f.user) ? { ...f, user } : f)).sort(byName),
    incoming: state.incoming.map(request),
    outgoing: state.outgoing.map(request),
    blocked: state.blocked.map((b) => (listed(b.user) ? { ...b, user } : b)),
  };
}
