import { Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_PREFIX, SESSION_COOKIE, SESSION_TOKEN_PREFIX } from '@parley/contracts';
import { parse as parseCookies } from 'cookie';
import { AccessTokensService } from '../auth/access-tokens.service';
import { SessionsService } from '../auth/sessions.service';
import type { SocketData } from '../realtime/realtime.service';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';

/** Why a handshake was refused; the client sees `message` and `data.code` on connect_error. */
export class HandshakeError extends Error {
  readonly data: { code: string; message: string };
  constructor(code: string, message: string) {
    super(message);
    this.data = { code, message };
  }
}

export interface Handshake {
  headers: Record<string, string | string[] | undefined>;
  auth: Record<string, unknown>;
  query: Record<string, unknown>;
}

/**
 * Authenticates a Socket.IO handshake: `auth: { token }` (a session or personal access token) or the
 * session cookie the web app already holds. Tokens in the query string are refused (URLs end up in logs).
 */
@Injectable()
export class SocketAuthService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokensService,
    private readonly users: UsersService,
  ) {}

  async authenticate(h: Handshake): Promise<SocketData> {
    if (h.query['token'] !== undefined || h.query['access_token'] !== undefined) {
      throw new HandshakeError('unauthenticated', 'Send the token in the handshake auth payload ({ auth: { token } }), never in the URL');
    }
    const token = h.auth['token'];
    if (token !== undefined) {
      if (typeof token !== 'string' || token.length > 200) throw new HandshakeError('unauthenticated', 'auth.token must be a token string');
      if (token.startsWith(SESSION_TOKEN_PREFIX)) return this.fromSession(token);
      if (token.startsWith(ACCESS_TOKEN_PREFIX)) {
        const row = await this.accessTokens.findByToken(token);
        const user = row ? await this.activeUser(row.userId) : null;
        if (row && user) return { userId: user.id, role: user.role, sessionId: null, tokenId: row.id, expiresAt: null };
      }
      throw new HandshakeError('unauthenticated', 'Invalid, expired or revoked token');
    }
    const header = h.headers['cookie'];
    const cookie = typeof header === 'string' ? parseCookies(header)[SESSION_COOKIE] : undefined;
    if (cookie) return this.fromSession(cookie);
    throw new HandshakeError('unauthenticated', 'Sign in first: connect with the session cookie or auth: { token }');
  }

  private async fromSession(token: string): Promise<SocketData> {
    const session = await this.sessions.findByToken(token);
    const user = session ? await this.activeUser(session.userId) : null;
    if (session && user) {
      await this.sessions.touch(session);
      return { userId: user.id, role: user.role, sessionId: session.id, tokenId: null, expiresAt: session.expiresAt.getTime() };
    }
    throw new HandshakeError('unauthenticated', 'Your session has ended; sign in again');
  }

  /** Is the session behind a socket still alive? Its expiry slides while the user is active elsewhere. */
  async sessionExpiry(sessionId: string): Promise<number | null> {
    const session = await this.sessions.findById(sessionId);
    if (!session || session.expiresAt.getTime() <= Date.now()) return null;
    return session.expiresAt.getTime();
  }

  private async activeUser(id: string): Promise<UserEntity | null> {
    const user = await this.users.findById(id);
    return user && user.deactivatedAt === null ? user : null;
  }
}
