import { createHash } from 'node:crypto';
import type { UserEntity } from './user.entity';
import { initialsOf } from './avatar-image';

/** Stored avatars are named `<32 hex digits>.webp`; nothing else is ever read from the avatars folder. */
export const AVATAR_FILE_PATTERN = /^[0-9a-f]{32}\.webp$/;

/** Bump when the look of the generated initials pictures changes, so cached copies are replaced. */
const INITIALS_STYLE = '1';

type AvatarFields = Pick<UserEntity, 'id' | 'displayName' | 'username' | 'avatarFile'>;

/**
 * The version of the user's picture: the stored file's random name, or for the initials picture a hash of what
 * it is drawn from. It changes whenever the picture does, which lets browsers cache a versioned URL for good.
 */
export function avatarVersion(user: AvatarFields): string {
  if (user.avatarFile) return user.avatarFile.slice(0, 32);
  const drawn = `${INITIALS_STYLE}\0${initialsOf(user.displayName, user.username)}`;
  return `i${createHash('sha256').update(drawn).digest('hex').slice(0, 16)}`;
}

export function avatarUrl(user: AvatarFields): string {
  return `/api/users/${user.id}/avatar?v=${avatarVersion(user)}`;
}
