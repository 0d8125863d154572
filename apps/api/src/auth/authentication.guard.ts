import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, UserRole } from '@parley/contracts';
import type { Response } from 'express';
import { errors } from '../common/errors';
import { APP_CONFIG, AppConfig } from '../config/config';
import { IS_PUBLIC, OPTIONAL_AUTH, REQUIRED_ROLE } from './auth.decorators';
import { clearSessionCookies, setCsrfCookie, setSessionCookies } from './auth-cookies';
import { CredentialsRefused, CredentialsService } from './credentials.service';
import type { AuthedRequest, RequestAuth } from './request-auth';
import { csrfTokenFor, safeEqual } from './tokens';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard: every route needs a signed-in, active user unless marked @Public(). Accepts a bearer token
 * (session or personal access token) or the session cookie, checked by CredentialsService; cookie-
 * authenticated writes must carry the CSRF header.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: CredentialsService,
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
      if (!(err instanceof CredentialsRefused)) throw err;
      if (optional) return true;
      throw errors.unauthenticated(err.message);
    }
    req.auth = auth;

    if (auth.via === 'cookie' && !SAFE_METHODS.has(req.method)) {
      const sent = req.header(CSRF_HEADER);
      if (!sent || !safeEqual(sent, csrfTokenFor(this.config.secretKey, auth.sessionId!))) {
        throw errors.csrfFailed(`Missing or wrong ${CSRF_HEADER} header: cookie-authenticated requests must echo the ${CSRF_COOKIE} cookie`);
      }
    }

    const role = this.reflector.getAllAndOverride<UserRole | undefined>(REQUIRED_ROLE, targets);
    if (role && auth.user.role !== role) throw errors.forbidden('Only admins may do this');
    return true;
  }

  /** Who sent the request, or CredentialsRefused. */
  private async authenticate(req: AuthedRequest, res: Response): Promise<RequestAuth> {
    const header = req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw new CredentialsRefused('Authorization header must be "Bearer <token>"');
      const principal = await this.credentials.check(match[1], 'token');
      return principal.sessionId
        ? { user: principal.user, via: 'bearer', sessionId: principal.sessionId }
        : { user: principal.user, via: 'bearer', accessTokenId: principal.tokenId! };
    }
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (!cookie) throw new CredentialsRefused('Sign in first: send the session cookie or an Authorization: Bearer token');
    let principal;
    try {
      principal = await this.credentials.check(cookie, 'cookie');
    } catch (err) {
      if (err instanceof CredentialsRefused) clearSessionCookies(res);
      throw err;
    }
    const sessionId = principal.sessionId!;
    const csrf = csrfTokenFor(this.config.secretKey, sessionId);
    if (principal.renewed) {
      setSessionCookies(this.config, req, res, cookie, csrf, principal.expiresAt!);
    } else if ((req.cookies as Record<string, string>)[CSRF_COOKIE] !== csrf) {
      setCsrfCookie(this.config, req, res, csrf, principal.expiresAt!);
    }
    return { user: principal.user, via: 'cookie', sessionId };
  }
}
