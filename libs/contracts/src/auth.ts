import type { CurrentUser } from './users';

export interface RegisterRequest {
  username: string;
  email: string;
  password: string;
  displayName?: string;
}

export interface LoginRequest {
  /** Username or email address. */
  login: string;
  password: string;
}

export interface LoginResponse {
  user: CurrentUser;
  /** The session token: usable as `Authorization: Bearer <token>` by clients that do not keep cookies. */
  token: string;
  expiresAt: string;
}

export interface CreateAccessTokenRequest {
  name: string;
}

/** A personal access token as listed: never its value. */
export interface AccessToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Returned once, at creation: the only time the token value is shown. */
export interface CreatedAccessToken {
  id: string;
  name: string;
  token: string;
  createdAt: string;
}
