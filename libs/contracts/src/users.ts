export const UserRole = {
  Admin: 'admin',
  Member: 'member',
} as const;
export type UserRole = (typeof UserRole)[keyof typeof UserRole];

/** What anyone signed in may see of a user. */
export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  statusText: string;
  /**
   * Where to load the user's picture: `/api/users/<id>/avatar?v=<version>`. The version changes with the picture
   * (and, for users without one, with the generated initials), so the URL can be cached for good.
   */
  avatarUrl: string;
  createdAt: string;
}

/** The signed-in user's own view of their account. */
export interface CurrentUser extends PublicUser {
  email: string;
  role: UserRole;
  /** An uploaded picture (false: `avatarUrl` draws the generated initials, and there is nothing to remove). */
  hasPicture: boolean;
}

/** What an admin sees in the user list. */
export interface AdminUser extends CurrentUser {
  active: boolean;
  deactivatedAt: string | null;
  lastLoginAt: string | null;
}

/** Avatar uploads: `PUT /api/users/me/avatar`, multipart/form-data with the image in the field `file`. */
export const AVATAR_FIELD = 'file';
/** Recognised by their bytes, not by the file name or the declared type. */
export const AVATAR_ACCEPTED_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
/** The default upload cap (the server's AVATAR_MAX_BYTES may differ). */
export const AVATAR_MAX_BYTES_DEFAULT = 5 * 1024 * 1024;
/** Stored avatars are square WebP images of this many pixels a side. */
export const AVATAR_SIZE_PX = 256;

export interface UpdateProfileRequest {
  displayName?: string;
  email?: string;
  username?: string;
  statusText?: string;
}

export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface UserSearchQuery {
  q?: string;
  page?: number;
  pageSize?: number;
}
