import { AdminUser, CurrentUser, PublicUser } from '@parley/contracts';
import { avatarUrl } from './avatar-url';
import { UserEntity } from './user.entity';

export function toPublicUser(u: UserEntity): PublicUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    statusText: u.statusText,
    avatarUrl: avatarUrl(u),
    createdAt: u.createdAt.toISOString(),
  };
}

export function toCurrentUser(u: UserEntity): CurrentUser {
  return { ...toPublicUser(u), email: u.email, role: u.role, hasPicture: !!u.avatarFile };
}

export function toAdminUser(u: UserEntity): AdminUser {
  return {
    ...toCurrentUser(u),
    active: u.deactivatedAt === null,
    deactivatedAt: u.deactivatedAt?.toISOString() ?? null,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  };
}
