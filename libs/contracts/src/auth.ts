import type { CurrentUser } from './users';

/** How many personal access tokens one user may hold. */
export const MAX_ACCESS_TOKENS_PER_USER = 100;

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

export type RegistrationMode = 'open' | 'domain' | 'closed';

/** What the sign-in and sign-up pages need to know before anyone is signed in. */
export interface AuthSession {
  /** The signed-in user, or null when the request carried no valid session or token. */
  user: CurrentUser | null;
  registration: {
    mode: RegistrationMode;
    /** Whether a new account can be created right now (a closed server still accepts its very first account). */
    open: boolean;
    /** With mode `domain`: the email domains allowed to register. */
    allowedEmailDomains: string[];
  };
}

/** A signed-in browser or client, as listed to its owner. */
export interface SessionInfo {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  /** This is the session the listing request was made with. */
  current: boolean;
}
