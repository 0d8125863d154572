import { Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_PREFIX, SESSION_TOKEN_PREFIX, UserRole } from '@parley/contracts';
import { UserEntity } from '../users/user.entity';
import { AccessTokensService } from './access-tokens.service';
import { SessionsService } from './sessions.service';

/** A deactivated user's sessions and tokens are revoked, but one may be met before that has finished. */
const active = (user: UserEntity): UserEntity | null => (user.deactivatedAt === null ? user : null);

/** Where a credential came from: the browser's session cookie, or a token the client sent itself. */
export type CredentialSource = 'cookie' | 'token';

/** Who a valid credential belongs to, and what it is. */
export interface Principal {
  user: UserEntity;
  role: UserRole;
  /** Set for a session (cookie or session token). */
  sessionId: string | null;
  /** Set for a personal access token. */
  tokenId: string | null;
  /** The session's expiry after this use; null for access tokens (they do not expire). */
  expiresAt: Date | null;
  /** The session's expiry slid forward on this use (a cookie should be renewed). */
  renewed: boolean;
}

export const SESSION_ENDED_MESSAGE = 'Your session has ended; sign in again';
export const INVALID_TOKEN_MESSAGE = 'Invalid, expired or revoked token';

/** The one kind of refusal: no credential, a malformed one, or one that is not (or no longer) good. */
export class CredentialsRefused extends Error {}

/**
 * Checks a session token, a personal access token or the session cookie's value, for the REST guard and
 * the Socket.IO handshake alike. Every check reads the database (sessions, tokens and users are shared by
 * every process), so a revoked session or token and a deactivated user are refused at once everywhere; the
credential and its user come in one query.
 * A session's expiry slides as it is used, written at most once a minute (SessionsService.touch).
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokensService,
  ) {}

  /**
   * The principal behind a credential, or CredentialsRefused. A token is a session token or an access
   * token by its prefix; `sessionRefusal` is the message for a session token that is no longer live.
   */
  async check(credential: string, source: CredentialSource, sessionRefusal = INVALID_TOKEN_MESSAGE): Promise<Principal> {
    if (source === 'cookie') return this.fromSession(credential, SESSION_ENDED_MESSAGE);
    if (credential.startsWith(SESSION_TOKEN_PREFIX)) return this.fromSession(credential, sessionRefusal);
    if (credential.startsWith(ACCESS_TOKEN_PREFIX)) return this.fromAccessToken(credential);
    throw new CredentialsRefused(INVALID_TOKEN_MESSAGE);
  }

  /** The expiry of a live session by id (it may have slid while used elsewhere), or null once it ended. */
  async sessionExpiry(sessionId: string): Promise<number | null> {
    const session = await this.sessions.findById(sessionId);
    if (!session || session.expiresAt.getTime() <= Date.now()) return null;
    return session.expiresAt.getTime();
  }

  private async fromSession(token: string, refusal: string): Promise<Principal> {
    const session = await this.sessions.findByToken(token);
    const user = session && active(session.user);
    if (!session || !user) throw new CredentialsRefused(refusal);
    const renewed = await this.sessions.touch(session);
    return { user, role: user.role, sessionId: session.id, tokenId: null, expiresAt: session.expiresAt, renewed };
  }

  private async fromAccessToken(token: string): Promise<Principal> {
    const row = await this.accessTokens.findByToken(token);
    const user = row && active(row.user);
    if (!row || !user) throw new CredentialsRefused(INVALID_TOKEN_MESSAGE);
    return { user, role: user.role, sessionId: null, tokenId: row.id, expiresAt: null, renewed: false };
  }
}
