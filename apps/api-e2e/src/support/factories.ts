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

/** The Authorization header of a signed-in test user (bearer requests need no CSRF header). */
export function bearer(who: { token: string }): { Authorization: string } {
  return { Authorization: `Bearer ${who.token}` };
}

/** Makes two users friends through the API: `a` asks, `b` accepts. */
export async function befriend(url: string, a: Signed, b: Signed): Promise<void> {
  const sent = await request(url).post('/api/friends/requests').set(bearer(a)).send({ userId: b.user.id });
  if (sent.status !== 201) throw new Error(`friend request failed: ${sent.status} ${JSON.stringify(sent.body)}`);
  const accepted = await request(url).post(`/api/friends/requests/${sent.body.request.id}/accept`).set(bearer(b));
  if (accepted.status !== 200) throw new Error(`accepting failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
}

/** `blocker` blocks `blocked` through the API. */
export async function blockUser(url: string, blocker: Signed, blocked: Signed): Promise<void> {
  const res = await request(url).post(`/api/blocks/${blocked.user.id}`).set(bearer(blocker));
  if (res.status !== 201) throw new Error(`block failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Requests as `who` with the bearer token: `asUser(url, ada).post('/api/rooms').send({...})`. */
export function asUser(url: string, who: { token: string }) {
  const auth = bearer(who);
  return {
    get: (path: string) => request(url).get(path).set(auth),
    post: (path: string) => request(url).post(path).set(auth),
    patch: (path: string) => request(url).patch(path).set(auth),
    put: (path: string) => request(url).put(path).set(auth),
    delete: (path: string) => request(url).delete(path).set(auth),
  };
}
