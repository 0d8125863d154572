import { CSRF_COOKIE, CSRF_HEADER, CurrentUser, LoginResponse, RegisterRequest } from '@parley/contracts';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { randomBytes } from 'node:crypto';

let counter = 0;

/** A fresh, valid registration: unique username and email, a strong password. */
export function makeUser(overrides: Partial<RegisterRequest> = {}): RegisterRequest {
  const tag = `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;
  return {
    username: `user.${tag}`,
    email: `user.${tag}@example.com`,
    password: `velvet ${randomBytes(3).toString('hex')} orbit lantern`,
    displayName: `User ${tag}`,
    ...overrides,
  };
}

export interface Signed {
  user: CurrentUser;
  password: string;
  /** The session token, for `Authorization: Bearer`. */
  token: string;
  /** A supertest agent that keeps the session cookie. */
  agent: TestAgent;
  /** The CSRF token (value of the XSRF-TOKEN cookie) to echo in the X-XSRF-TOKEN header. */
  csrf: string;
}

export function cookieValue(setCookie: string[] | string | undefined, name: string): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const c of list) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m) return decodeURIComponent(m[1]);
  }
  return undefined;
}

export async function register(url: string, data: RegisterRequest = makeUser()): Promise<CurrentUser> {
  const res = await request(url).post('/api/auth/register').send(data);
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as CurrentUser;
}

/** Registers (unless `data` names an existing user with `existing`) and signs in with a cookie-keeping agent. */
export async function signUp(url: string, data: RegisterRequest = makeUser()): Promise<Signed> {
  await register(url, data);
  return signIn(url, data.username, data.password);
}

export async function signIn(url: string, login: string, password: string): Promise<Signed> {
  const agent = request.agent(url);
  const res = await agent.post('/api/auth/login').send({ login, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as LoginResponse;
  const csrf = cookieValue(res.headers['set-cookie'], CSRF_COOKIE);
  if (!csrf) throw new Error('login set no CSRF cookie');
  return { user: body.user, password, token: body.token, agent, csrf };
}

export { CSRF_HEADER };
