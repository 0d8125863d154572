import { CSRF_COOKIE, SESSION_COOKIE } from '@parley/contracts';
import type { CookieOptions, Request, Response } from 'express';
import type { AppConfig } from '../config/config';

function secure(config: AppConfig, req: Request): boolean {
  return config.cookieSecure === 'auto' ? req.secure : config.cookieSecure;
}

/** The HttpOnly session cookie and the readable CSRF cookie that goes with it. */
export function setSessionCookies(config: AppConfig, req: Request, res: Response, token: string, csrf: string, expiresAt: Date): void {
  const base: CookieOptions = { sameSite: 'lax', secure: secure(config, req), path: '/', expires: expiresAt };
  res.cookie(SESSION_COOKIE, token, { ...base, httpOnly: true });
  res.cookie(CSRF_COOKIE, csrf, { ...base, httpOnly: false });
}

export function setCsrfCookie(config: AppConfig, req: Request, res: Response, csrf: string, expiresAt: Date): void {
  res.cookie(CSRF_COOKIE, csrf, { sameSite: 'lax', secure: secure(config, req), path: '/', expires: expiresAt, httpOnly: false });
}

export function clearSessionCookies(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' });
  res.clearCookie(CSRF_COOKIE, { path: '/' });
}
