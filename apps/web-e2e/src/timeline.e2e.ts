import { randomUUID } from 'node:crypto';
import { Browser, Page } from 'playwright-core';
import { RegisterRequest, RoomSummary } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { newAccount, registerViaApi } from './support/accounts';
import { BrowserSession, DESKTOP, PHONE, launchBrowser } from './support/browser';
import { ApiUser, composerBox, conversationLink, distanceFromBottom, exactly, messageByText, messageRegion, rest, seedMessages, signInViaApi } from './support/chat-scene';
import { eventually, expectAttribute, expectHidden, expectVisible } from './support/ui-expect';

let server: RunningServer;
let browser: Browser;
const sessions: BrowserSession[] = [];

beforeAll(async () => {
  // Seeding a long history sends faster than a person may.
  const env = { SOCKET_SEND_RATE_PER_SECOND: '10000', SOCKET_SEND_BURST: '10000' };
  [server, browser] = await Promise.all([startServer({ env }), launchBrowser()]);
  await registerViaApi(server.url, newAccount('admin'));
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

async function signedIn(account: RegisterRequest, viewport = DESKTOP): Promise<BrowserSession> {
  const session = await BrowserSession.open(browser, server.url, viewport);
  sessions.push(session);
  const { page } = session;
  await page.goto('/login');
  await page.getByLabel('Username or email').fill(account.username);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  return session;
}

/** Two people in a fresh group room, both signed in through the API. */
async function groupOfTwo(name: string): Promise<{ ana: RegisterRequest; bo: RegisterRequest; anaApi: ApiUser; boApi: ApiUser; room: RoomSummary }> {
  const ana = newAccount('ana');
  const bo = newAccount('bo');
  await Promise.all([registerViaApi(server.url, ana), registerViaApi(server.url, bo)]);
  const [anaApi, boApi] = await Promise.all([signInViaApi(server.url, ana), signInViaApi(server.url, bo)]);
  const room = await rest<RoomSummary>(server.url, anaApi, 'POST', '/api/rooms', { kind: 'group', name: `${name} ${ana.username.slice(-5)}`, memberIds: [boApi.id] });
  return { ana, bo, anaApi, boApi, room };
}

/** The bottom of the last message and the top of the composer, in page coordinates. */
async function lastMessageAndComposer(page: Page): Promise<{ lastBottom: number; listBottom: number; composerTop: number }> {
  const last = messageRegion(page).locator('app-message-item').last();
  const [box, list, composer] = await Promise.all([last.boundingBox(), messageRegion(page).boundingBox(), page.locator('app-composer').boundingBox()]);
  if (!box || !list || !composer) throw new Error('nothing to measure');
  return { lastBottom: box.y + box.height, listBottom: list.y + list.height, composerTop: composer.y };
}

async function expectPinnedToBottom(page: Page): Promise<void> {
  await eventually(async () => {
    expect(await distanceFromBottom(page)).toBeLessThanOrEqual(2);
    const { lastBottom, listBottom, composerTop } = await lastMessageAndComposer(page);
    // The last message ends just above the bottom of the list, which ends above the composer.
    expect(lastBottom).toBeLessThanOrEqual(listBottom + 1);
    expect(listBottom - lastBottom).toBeLessThan(24);
    expect(listBottom).toBeLessThanOrEqual(composerTop + 1);
  });
}

for (const [label, viewport] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const) {
  test(`${label}: after the connection comes back, the conversation stays pinned to its last message`, async () => {
    const { ana, anaApi, boApi, room } = await groupOfTwo('Tunnel');
    await seedMessages(server.url, boApi, room.id, 'Before the tunnel', 40);
    // Ana has read everything: the room opens at its newest message.
    await rest(server.url, anaApi, 'POST', `/api/rooms/${room.id}/read`, { seq: 40 });
    const session = await signedIn(ana, viewport);
    const { page } = session;
    await conversationLink(page, room.name).click();
    await expectVisible(messageByText(page, exactly('Before the tunnel 40')));
    await expectPinnedToBottom(page);

    for (let round = 1; round <= 3; round++) {
      await session.context.setOffline(true);
      await expectVisible(page.getByText("You're offline."));
      await composerBox(page).fill(`Written offline ${round}`);
      await composerBox(page).press('Enter');
      const pending = messageByText(page, `Written offline ${round}`);
      await expectAttribute(pending, 'data-state', 'sending');
      await expectPinnedToBottom(page);

      // Meanwhile the others go on talking: the sync brings their messages with the outbox's.
      for (let i = 1; i <= 3; i++) {
        await rest(server.url, boApi, 'POST', `/api/rooms/${room.id}/messages`, {
          body: `While you were away ${round}.${i}: a longer message that wraps over more than one line on a phone, **with** some formatting.\n\nAnd a second paragraph.`,
          clientMsgId: randomUUID(),
        });
      }
      await session.context.setOffline(false);
      await eventually(async () => expect(await pending.getAttribute('data-state')).toBe('sent'), 15_000);
      await expectHidden(page.getByText("You're offline."));
      // Give the list the frames it needs to settle, then it must be at its end.
      await page.waitForTimeout(300);
      await expectPinnedToBottom(page);
    }
    await session.screenshot(`timeline-${label}-after-reconnect`);

    const offlineNoise = /ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|WebSocket connection to .* failed/;
    const rest_ = session.consoleErrors.filter((e) => !offlineNoise.test(e));
    session.consoleErrors.splice(0, session.consoleErrors.length, ...rest_);
    await session.assertClean();
  });
}
