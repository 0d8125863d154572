import type { Presence } from './realtime';
import type { PublicUser } from './users';

/**
 * Who may open a direct room with whom (the server's `DM_POLICY`): `friends` (the default) needs a
 * friendship; `anyone` lets any two users who have not blocked each other talk, like a company directory.
 */
export const DmPolicy = {
  Friends: 'friends',
  Anyone: 'anyone',
} as const;
export type DmPolicy = (typeof DmPolicy)[keyof typeof DmPolicy];

/** Pending friend requests one user may have sent and not yet seen answered (a brake on spamming requests). */
export const FRIEND_REQUESTS_PENDING_MAX = 100;

/** A friend as listed: their profile, their presence and since when you are friends. */
export interface Friend {
  user: PublicUser;
  presence: Presence;
  since: string;
}

/** A pending friend request. `from` asked `to`. */
export interface FriendRequest {
  id: string;
  from: PublicUser;
  to: PublicUser;
  createdAt: string;
}

/** `GET /api/friends/requests`: requests others sent you, and those you sent, newest first. */
export interface FriendRequestList {
  incoming: FriendRequest[];
  outgoing: FriendRequest[];
}

export interface SendFriendRequestRequest {
  userId: string;
}

/**
 * What `POST /api/friends/requests` did: `requested` (a new pending request) or `friends` (the other user
 * had already asked you, so their request was accepted and you are friends now).
 */
export interface SendFriendRequestResult {
  outcome: 'requested' | 'friends';
  /** With `requested`: the new request. */
  request: FriendRequest | null;
  /** With `friends`: the new friend. */
  friend: Friend | null;
}

/** A user you blocked. */
export interface BlockedUser {
  user: PublicUser;
  blockedAt: string;
}

// ---- Socket.IO payloads (see ServerToClientEvents) ----

/** A new request, sent to both sides (to the sender's other devices too). */
export interface FriendRequestEvent {
  request: FriendRequest;
}

/** A pending request is gone: withdrawn by its sender, declined, or ended by a block. It does not say which. */
export interface FriendRequestRemovedEvent {
  requestId: string;
}

/** You have a new friend (each side gets the other as `friend.user`). */
export interface FriendAcceptedEvent {
  /** The request that was accepted. */
  requestId: string;
  friend: Friend;
}

/** A friendship ended (unfriended or blocked); `userId` is the other user. */
export interface FriendRemovedEvent {
  userId: string;
}

/** How a user stands to you, as `GET /api/people` tells it. */
export const Relation = {
  Self: 'self',
  Friend: 'friend',
  /** You asked them to be friends; they have not answered. */
  RequestSent: 'request_sent',
  /** They asked you. */
  RequestReceived: 'request_received',
  /** You blocked them. */
  Blocked: 'blocked',
  None: 'none',
} as const;
export type Relation = (typeof Relation)[keyof typeof Relation];

/** A user from the directory with how they stand to you, so a client offers only what will work. */
export interface Person {
  user: PublicUser;
  relation: Relation;
  /**
   * Whether you may open a direct conversation with them (and so add them to a group rather than invite them):
   * not yourself, never across a block, and with DM_POLICY=friends only friends.
   */
  canMessage: boolean;
}
