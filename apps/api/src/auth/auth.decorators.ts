import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { UserRole } from '@parley/contracts';
import type { UserEntity } from '../users/user.entity';
import type { AuthedRequest, RequestAuth } from './request-auth';
import { errors } from '../common/errors';

export const IS_PUBLIC = 'parley:public';
export const REQUIRED_ROLE = 'parley:role';
export const AUTH_RATE_LIMITED = 'parley:auth-rate-limited';
export const OPTIONAL_AUTH = 'parley:optional-auth';

/** No sign-in needed. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Signed-in or not: `req.auth` is set when the request carries a valid session or token, and no 401 otherwise. */
export const OptionalAuth = () => SetMetadata(OPTIONAL_AUTH, true);
/** Only users with this role. */
export const RequireRole = (role: UserRole) => SetMetadata(REQUIRED_ROLE, role);
/** Counted against the strict per-IP limit for authentication routes. */
export const AuthRateLimited = () => SetMetadata(AUTH_RATE_LIMITED, true);

function authOf(ctx: ExecutionContext): RequestAuth {
  const auth = ctx.switchToHttp().getRequest<AuthedRequest>().auth;
  if (!auth) throw errors.unauthenticated('Sign in first');
  return auth;
}

export const CurrentUserEntity = createParamDecorator((_: unknown, ctx: ExecutionContext): UserEntity => authOf(ctx).user);
export const CurrentAuth = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestAuth => authOf(ctx));
