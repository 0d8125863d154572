import { randomUUID } from 'node:crypto';
import { LoginResponse, RegisterRequest } from '@parley/contracts';
import { Locator, Page } from 'playwright-core';

/** Someone signed in through the API (no browser), for setting the scene quickly with a bearer token. */
export interface ApiUser {
  id: string;
  token: string;
}

export async function signInViaApi(baseUrl: string, account: RegisterRequest): Promise<ApiUser> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: account.username, password: account.password }),
  });
  if (res.status !== 200) throw new Error(`login ${account.username}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as LoginResponse;
  return { id: body.user.id, token: body.token };
}

/** A REST call as this user (bearer requests need no CSRF token). */
export async function rest<T>(baseUrl: string, who: ApiUser, method: 'GET' | 'POST', path: string, data?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${who.token}`, ...(data === undefined ? {} : { 'content-type': 'application/json' }) },
    body: data === undefined ? undefined : JSON.stringify(data),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Posts `count` messages "<prefix> 1" … "<prefix> count" in order (the server must allow the rate). */
export async function seedMessages(baseUrl: string, who: ApiUser, roomId: string, prefix: string, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await rest(baseUrl, who, 'POST', `/api/rooms/${roomId}/messages`, { body: `${prefix} ${i}`, clientMsgId: randomUUID() });
  }
}

export const messageRegion = (page: Page) => page.getByRole('region', { name: 'Messages' });
export const composerBox = (page: Page) => page.getByLabel('Message', { exact: true });
export const conversationLink = (page: Page, name: string) =>
  page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: new RegExp(name) });

/** The row of one message in the conversation, by its own text. */
export const messageByText = (page: Page, text: string | RegExp): Locator =>
  messageRegion(page).locator('app-message-item').filter({ has: page.locator('app-message-body', { hasText: text }) });

/** Matches an element whose whole text is this. */
export const exactly = (text: string) => new RegExp(`^\\s*${text}\\s*$`);

/** How far the message list is from its end, in px (0 at the very bottom). */
export function distanceFromBottom(page: Page): Promise<number> {
  return messageRegion(page).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
}
