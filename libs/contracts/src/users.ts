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
  createdAt: string;
}

/** The signed-in user's own view of their account. */
export interface CurrentUser extends PublicUser {
  email: string;
  role: UserRole;
}

/** What an admin sees in the user list. */
export interface AdminUser extends CurrentUser {
  active: boolean;
  deactivatedAt: string | null;
  lastLoginAt: string | null;
}

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
