import { CanActivate, ExecutionContext, ForbiddenException, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_TOKEN_PREFIX, CSRF_COOKIE, CSRF_HEADER, ErrorCode, SESSION_COOKIE, SESSION_TOKEN_PREFIX, UserRole } from '@parley/contracts';
import type { Response } from 'express';
import { ApiException } from '../common/api-exceptions';
import { APP_CONFIG, AppConfig } from '../config/config';
import { UsersService } from '../users/users.service';
import { AccessTokensService } from './access-tokens.service';
import { IS_PUBLIC, OPTIONAL_AUTH, REQUIRED_ROLE } from './auth.decorators';
import { clearSessionCookies, setCsrfCookie, setSessionCookies } from './auth-cookies';
import type { AuthedRequest, RequestAuth } from './request-auth';
import { SessionsService } from './sessions.service';
import { csrfTokenFor, safeEqual } from './tokens';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function unauthenticated(message: string): ApiException {
  return new ApiException(HttpStatus.UNAUTHORIZED, ErrorCode.Unauthenticated, message);
}

/**
 * Global guard: every route needs a signed-in, active user unless marked @Public(). Accepts a bearer token
 * (session or personal access token) or the session cookie; cookie-authenticated writes must carry the
 * CSRF header.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokensService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    const optional = this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH, targets);
    if (!optional && this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();
    let auth: RequestAuth;
    try {
      auth = await this.authenticate(req, res);
    } catch (err) {
      if (optional && err instanceof HttpException && err.getStatus() === HttpStatus.UNAUTHORIZED) return true;
      throw err;
    }
    req.auth = auth;

    if (auth.via === 'cookie' && !SAFE_METHODS.has(req.method)) {
      const sent = req.header(CSRF_HEADER);
      if (!sent || !safeEqual(sent, csrfTokenFor(this.config.secretKey, auth.sessionId!))) {
        throw new ApiException(
          HttpStatus.FORBIDDEN,
          ErrorCode.CsrfFailed,
          `Missing or wrong ${CSRF_HEADER} header: cookie-authenticated requests must echo the ${CSRF_COOKIE} cookie`,
        );
      }
    }

    const role = this.reflector.getAllAndOverride<UserRole | undefined>(REQUIRED_ROLE, targets);
    if (role && auth.user.role !== role) throw new ForbiddenException('Only admins may do this');
    return true;
  }

  private async authenticate(req: AuthedRequest, res: Response): Promise<RequestAuth> {
    const header = req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
      return this.fromBearer(match[1]);
    }
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (cookie) {
      const session = await this.sessions.findByToken(cookie);
      const user = session ? await this.activeUser(session.userId) : null;
      if (!session || !user) {
        clearSessionCookies(res);
        throw unauthenticated('Your session has ended; sign in again');
      }
      const csrf = csrfTokenFor(this.config.secretKey, session.id);
      if (await this.sessions.touch(session)) {
        setSessionCookies(this.config, req, res, cookie, csrf, session.expiresAt);
      } else if ((req.cookies as Record<string, string>)[CSRF_COOKIE] !== csrf) {
        setCsrfCookie(this.config, req, res, csrf, session.expiresAt);
      }
      return { user, via: 'cookie', sessionId: session.id };
    }
    throw unauthenticated('Sign in first: send the session cookie or an Authorization: Bearer token');
  }

  private async fromBearer(token: string): Promise<RequestAuth> {
    if (token.startsWith(SESSION_TOKEN_PREFIX)) {
      const session = await this.sessions.findByToken(token);
      const user = session ? await this.activeUser(session.userId) : null;
      if (session && user) {
        await this.sessions.touch(session);
        return { user, via: 'bearer', sessionId: session.id };
      }
    } else if (token.startsWith(ACCESS_TOKEN_PREFIX)) {
      const row = await this.accessTokens.findByToken(token);
      const user = row ? await this.activeUser(row.userId) : null;
      if (row && user) return { user, via: 'bearer', accessTokenId: row.id };
    }
    throw unauthenticated('Invalid, expired or revoked token');
  }

  private async activeUser(id: string) {
    const user = await this.users.findById(id);
    return user && user.deactivatedAt === null ? user : null;
  }
}
