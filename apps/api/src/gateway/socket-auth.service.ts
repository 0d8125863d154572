import { Injectable } from '@nestjs/common';
import { SESSION_COOKIE } from '@parley/contracts';
import { parse as parseCookies } from 'cookie';
import { CredentialsRefused, CredentialsService, Principal, SESSION_ENDED_MESSAGE } from '../auth/credentials.service';
import type { SocketData } from '../realtime/realtime.service';

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

function toSocketData(p: Principal): SocketData {
  return { userId: p.user.id, role: p.role, sessionId: p.sessionId, tokenId: p.tokenId, expiresAt: p.expiresAt?.getTime() ?? null };
}

/**
 * Authenticates a Socket.IO handshake: `auth: { token }` (a session or personal access token) or the
 * session cookie the web app already holds, checked by CredentialsService like a REST request. Tokens in
 * the query string are refused (URLs end up in logs).
 */
@Injectable()
export class SocketAuthService {
  constructor(private readonly credentials: CredentialsService) {}

  async authenticate(h: Handshake): Promise<SocketData> {
    try {
      return toSocketData(await this.check(h));
    } catch (err) {
      if (err instanceof CredentialsRefused) throw new HandshakeError('unauthenticated', err.message);
      throw err;
    }
  }

  private check(h: Handshake): Promise<Principal> {
    if (h.query['token'] !== undefined || h.query['access_token'] !== undefined) {
      throw new CredentialsRefused('Send the token in the handshake auth payload ({ auth: { token } }), never in the URL');
    }
    const token = h.auth['token'];
    if (token !== undefined) {
      if (typeof token !== 'string' || token.length > 200) throw new CredentialsRefused('auth.token must be a token string');
      return this.credentials.check(token, 'token', SESSION_ENDED_MESSAGE);
    }
    const header = h.headers['cookie'];
    const cookie = typeof header === 'string' ? parseCookies(header)[SESSION_COOKIE] : undefined;
    if (cookie) return this.credentials.check(cookie, 'cookie');
    throw new CredentialsRefused('Sign in first: connect with the session cookie or auth: { token }');
  }

  /** Is the session behind a socket still alive? Its expiry slides while the user is active elsewhere. */
  sessionExpiry(sessionId: string): Promise<number | null> {
    return this.credentials.sessionExpiry(sessionId);
  }
}
