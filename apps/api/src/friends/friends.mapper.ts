import { BlockedUser, Friend, FriendRequest, Presence } from '@parley/contracts';
import type { UserEntity } from '../users/user.entity';
import { toPublicUser } from '../users/users.mapper';

export function toFriend(user: UserEntity, since: Date, presence: Presence): Friend {
  return { user: toPublicUser(user), presence, since: since.toISOString() };
}

export function toFriendRequest(r: { id: string; createdAt: Date }, from: UserEntity, to: UserEntity): FriendRequest {
  return { id: r.id, from: toPublicUser(from), to: toPublicUser(to), createdAt: r.createdAt.toISOString() };
}

export function toBlockedUser(user: UserEntity, blockedAt: Date): BlockedUser {
  return { user: toPublicUser(user), blockedAt: blockedAt.toISOString() };
}
