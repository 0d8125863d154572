import { Browser } from 'playwright-core';
import { RoomInvite, RoomSummary } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { newAccount, registerViaApi } from './support/accounts';
import { ApiClient } from './support/api-client';
import { BrowserSession, DESKTOP, PHONE, launchBrowser } from './support/browser';
import { expectCount, expectPath, expectText, expectVisible } from './support/ui-expect';

/**
 * An invite link shows its room first — to anyone, signed in or not — and joins only when asked. A visitor
 * signs in (or creates an account) from it and comes back to it; a link that leads nowhere says so.
 */

let server: RunningServer;
let browser: Browser;
const sessions: BrowserSession[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  // The first account is the server's admin; the tests below are about members.
  await registerViaApi(server.url, newAccount('admin'));
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

async function visitor(viewport = DESKTOP): Promise<BrowserSession> {
  const session = await BrowserSession.open(browser, server.url, viewport);
  sessions.push(session);
  return session;
}

/** A group with a topic and an invite link to it, made by a new owner. */
async function roomWithLink(name: string): Promise<{ room: RoomSummary; code: string }> {
  const account = newAccount('owner');
  await registerViaApi(server.url, account);
  const owner = await ApiClient.signIn(server.url, account);
  const room = await owner.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name, topic: 'Mock-ups, decisions and the odd argument' });
  const { code } = await owner.call<RoomInvite>('POST', `/api/rooms/${room.id}/invites`, {});
  return { room, code };
}

test('a signed-out visitor sees the room behind an invite link, signs in, comes back and joins', async () => {
  const { room, code } = await roomWithLink(`Design reviews ${Date.now().toString(36)}`);
  const carol = newAccount('carol');
  await registerViaApi(server.url, carol);
  const session = await visitor();
  const { page } = session;

  // The room first: its name, topic and size, and what to do to join.
  await page.goto(`/invite/${code}`);
  await expectVisible(page.getByRole('heading', { name: room.name, level: 1 }));
  await expectText(page.getByRole('main'), 'You are invited to join the private group');
  await expectText(page.getByRole('main'), 'Mock-ups, decisions and the odd argument');
  await expectText(page.getByRole('main'), '1 member');
  await expectVisible(page.getByRole('link', { name: 'Create an account' }));
  await session.screenshot('invite-visitor');

  // Signing in brings her back to the same invitation, now with a Join button.
  await page.getByRole('link', { name: 'Sign in to join' }).click();
  await page.waitForURL('**/login?returnUrl=**');
  await page.getByLabel('Username or email').fill(carol.username);
  await page.getByLabel('Password', { exact: true }).fill(carol.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectPath(page, `/invite/${code}`);
  await expectVisible(page.getByRole('heading', { name: room.name, level: 1 }));
  await session.screenshot('invite-signed-in');
  await page.getByRole('button', { name: 'Join room' }).click();
  await expectPath(page, `/r/${room.id}`);
  await expectVisible(page.getByRole('heading', { name: room.name, level: 1 }));

  // The same link again: she is a member already, and it only opens the room.
  await page.goto(`/invite/${code}`);
  await expectText(page.getByRole('main'), 'You are already a member of this room.');
  await expectCount(page.getByRole('button', { name: 'Join room' }), 0);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expectPath(page, `/r/${room.id}`);

  // A link that leads nowhere says so, and what to do.
  session.expectHttpError(404, '/api/invites/not-a-real-code');
  await page.goto('/invite/not-a-real-code');
  await expectVisible(page.getByRole('heading', { name: "This invite link doesn't work" }));
  await expectText(page.getByRole('main'), 'Ask whoever sent it for a new link.');
  await expectVisible(page.getByRole('link', { name: 'Go to your chats' }));

  await session.assertClean();
});

test('on a phone, a visitor without an account creates one from the invite page and comes back to join; a dead link explains itself', async () => {
  const { room, code } = await roomWithLink(`Field notes ${Date.now().toString(36)}`);
  const dee = newAccount('dee');
  const session = await visitor(PHONE);
  const { page } = session;

  session.expectHttpError(404, '/api/invites/expired-or-revoked');
  await page.goto('/invite/expired-or-revoked');
  await expectVisible(page.getByRole('heading', { name: "This invite link doesn't work" }));
  await expectText(page.getByRole('main'), 'It may have expired');
  await expectVisible(page.getByRole('link', { name: 'Sign in' }));
  await session.screenshot('invite-dead-phone');

  await page.goto(`/invite/${code}`);
  await expectVisible(page.getByRole('heading', { name: room.name, level: 1 }));
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.waitForURL('**/register?returnUrl=**');
  await page.getByLabel('Display name').fill(dee.displayName);
  await page.getByLabel('Username').fill(dee.username);
  await page.getByLabel('Email').fill(dee.email);
  await page.getByLabel('Password', { exact: true }).fill(dee.password);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expectPath(page, `/invite/${code}`);
  await page.getByRole('button', { name: 'Join room' }).click();
  await expectPath(page, `/r/${room.id}`);
  await expectVisible(page.getByRole('heading', { name: room.name, level: 1 }));

  await session.assertClean();
});
