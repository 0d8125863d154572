import { Locator, Page } from 'playwright-core';
import { CSRF_COOKIE, CSRF_HEADER, MessagePage, RoomSummary } from '@parley/contracts';
import { newAccount, registerViaApi } from './support/accounts';
import { ApiClient } from './support/api-client';
import { browserSuite } from './support/suite';
import { BrowserSession, PHONE } from './support/browser';
import { eventually, expectAttribute, expectCount, expectHidden, expectPath, expectText, expectVisible } from './support/ui-expect';

// Seeding a long history sends faster than a person may; direct messages here need no friendship first.
const suite = browserSuite({ SOCKET_SEND_RATE_PER_SECOND: '10000', SOCKET_SEND_BURST: '10000', DM_POLICY: 'anyone' });
const { signedIn } = suite;

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Sidebar' });
const conversations = (page: Page) => page.getByRole('list', { name: 'Conversations' });
const roomLink = (page: Page, name: string) => conversations(page).getByRole('link', { name: new RegExp(name) });
const messages = (page: Page) => page.getByRole('region', { name: 'Messages' });
const composer = (page: Page) => page.getByLabel('Message', { exact: true });
/** The row of one message in the conversation, by its own text (not the text of a message it quotes). */
const messageRow = (page: Page, text: string) => messages(page).locator('app-message-item').filter({ has: page.locator('app-message-body', { hasText: text }) });

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Matches an element whose whole text is this (around the paragraph's whitespace). */
const exactly = (text: string) => new RegExp(`^\\s*${text}\\s*$`);

/** True when the element is inside the visible part of the message list. */
async function onScreen(page: Page, text: string | RegExp): Promise<boolean> {
  const body = messages(page).locator('app-message-body', { hasText: text });
  if ((await body.count()) !== 1) return false;
  const [box, frame] = await Promise.all([body.boundingBox(), messages(page).boundingBox()]);
  return !!box && !!frame && box.y >= frame.y - 1 && box.y + box.height <= frame.y + frame.height + 1;
}

async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** Calls the API with the browser's session cookie (and its CSRF token), as the web app does. */
async function api<T>(session: BrowserSession, method: 'GET' | 'POST', path: string, data?: unknown): Promise<T> {
  const cookies = await session.context.cookies();
  const csrf = cookies.find((c) => c.name === CSRF_COOKIE)?.value ?? '';
  const res = await session.context.request.fetch(`${suite.url}${path}`, { method, data, headers: { [CSRF_HEADER]: csrf } });
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

test('two people chat in real time: a new room, typing, "Seen", and unread badges that clear on opening', async () => {
  const anaAccount = newAccount('ana');
  const boAccount = newAccount('bo');
  await Promise.all([registerViaApi(suite.url, anaAccount), registerViaApi(suite.url, boAccount)]);
  const roomName = `Launch ${anaAccount.username.slice(-5)}`;
  const ana = await signedIn(anaAccount);
  const bo = await signedIn(boAccount);

  // Ana creates a public room from the sidebar...
  await sidebar(ana.page).getByRole('button', { name: 'New room' }).click();
  const create = ana.page.getByRole('dialog', { name: 'Create a room' });
  await create.getByLabel('Name').fill(roomName);
  await create.getByLabel('Topic').fill('Getting v2 out of the door');
  await create.getByRole('radio', { name: /Public room/ }).check();
  await create.getByRole('button', { name: 'Create room' }).click();
  await ana.page.waitForURL('**/r/*');
  await expectVisible(ana.page.getByRole('heading', { name: roomName, level: 1 }));
  await expectText(ana.page.locator('app-room-header .subtitle'), '1 member · Getting v2 out of the door');
  await expectVisible(ana.page.getByText('Be the first to say something'));

  // ...and Bo finds it in the directory and joins.
  await sidebar(bo.page).getByRole('button', { name: 'Browse rooms' }).click();
  const browse = bo.page.getByRole('dialog', { name: 'Browse rooms' });
  await browse.getByRole('searchbox').fill(roomName);
  await browse.getByRole('button', { name: `Join ${roomName}` }).click();
  await bo.page.waitForURL('**/r/*');
  await expectVisible(bo.page.getByRole('heading', { name: roomName, level: 1 }));
  await expectText(ana.page.locator('app-room-header .subtitle'), '2 members');

  // Ana writes (Markdown typed in the field formats as she types); it reaches Bo at once, formatted, with her name on it.
  await composer(ana.page).pressSequentially('Hello Bo! The **release** is on Friday.');
  await expectText(composer(ana.page).locator('strong'), 'release');
  await composer(ana.page).press('Enter');
  await expectAttribute(messageRow(ana.page, 'Hello Bo!'), 'data-state', 'sent');
  const received = messageRow(bo.page, 'Hello Bo!');
  await expectVisible(received);
  await expectText(received.locator('strong'), 'release');
  await expectText(received.locator('.sender'), anaAccount.displayName);

  // Bo types: Ana sees who is typing; Bo's answer arrives and the indicator goes.
  await composer(bo.page).pressSequentially('Great, I will', { delay: 30 });
  await expectText(ana.page.locator('.typing'), `${boAccount.displayName} is typing…`);
  await composer(bo.page).press('Enter');
  await expectVisible(messageRow(ana.page, 'Great, I will'));
  await expectHidden(ana.page.getByText('is typing…'));

  // Bo has the room open at the bottom: Ana's message shows as seen by him.
  await expectText(ana.page.locator('.seen'), `Seen by ${boAccount.displayName}`);
  await ana.screenshot('chat-desktop-room');

  // Bo replies to Ana's message from its hover actions; Ana sees the quote and can jump to the original.
  const hello = messageRow(bo.page, 'Hello Bo!');
  await hello.hover();
  await bo.screenshot('chat-desktop-hover-actions');
  await hello.getByRole('button', { name: 'Reply' }).click();
  await send(bo.page, 'Friday works for me');
  const reply = messageRow(ana.page, 'Friday works for me');
  await expectText(reply.locator('.quote'), 'Hello Bo! The release is on Friday.');
  await reply.locator('.quote').click();
  await expectAttribute(messageRow(ana.page, 'Hello Bo!'), 'class', /highlighted/);

  // Ana edits her message; Bo deletes one of his: both sides see it.
  const mine = messageRow(ana.page, 'Hello Bo!');
  await mine.hover();
  await mine.getByRole('button', { name: 'Edit' }).click();
  await expectText(composer(ana.page).locator('strong'), 'release');
  await composer(ana.page).fill('Hello Bo! The release is on Saturday.');
  await composer(ana.page).press('Enter');
  await expectVisible(messageRow(bo.page, 'is on Saturday').getByText('(edited)'));
  const great = messageRow(bo.page, 'Great, I will');
  await great.hover();
  await great.getByRole('button', { name: 'Delete' }).click();
  await great.getByRole('group', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();
  await expectVisible(messages(ana.page).getByText('This message was deleted'));
  await expectVisible(messages(bo.page).getByText('This message was deleted'));
  await bo.screenshot('chat-desktop-room-other-side');

  // The header opens the room's settings.
  await ana.page.getByRole('button', { name: 'Room settings' }).click();
  const settings = ana.page.getByRole('dialog', { name: roomName });
  await expectVisible(settings);
  await settings.getByRole('button', { name: 'Close' }).first().click();
  await expectCount(ana.page.getByRole('dialog'), 0);

  // Notifications are asked for from a button, never on load; allowed in the browser's site settings, the button goes.
  await expectVisible(sidebar(ana.page).getByRole('button', { name: 'Enable notifications' }));
  await ana.context.grantPermissions(['notifications']);
  await expectCount(sidebar(ana.page).getByRole('button', { name: 'Enable notifications' }), 0);

  // Ana goes back to the list; Bo writes twice: a badge, the count in the tab title, the preview.
  await sidebar(ana.page).getByRole('link', { name: 'Chats', exact: true }).click();
  await ana.page.waitForURL((url) => url.pathname === '/');
  await send(bo.page, 'One more thing');
  await send(bo.page, 'The changelog is ready for review');
  const link = roomLink(ana.page, roomName);
  await expectVisible(link.getByText('2 unread messages'));
  await expectText(link.locator('.room-preview'), 'The changelog is ready for review');
  await eventually(async () => expect(await ana.page.title()).toBe('(2) Chats · Parley'));
  // The room moved to the top of the list (most recent activity first).
  await expectText(conversations(ana.page).getByRole('link').first().locator('.room-name'), roomName);
  await ana.screenshot('chat-desktop-unread');

  // Opening the room reads it: the badge and the count go. The list and the bubble give one time, written alike.
  const listedTime = (await link.locator('.room-time').textContent())!.trim();
  await link.click();
  await expectVisible(messageRow(ana.page, 'The changelog is ready for review'));
  await expectText(messageRow(ana.page, 'The changelog is ready for review').locator('time'), exactly(escapeRegExp(listedTime)));
  await expectCount(link.getByText(/unread message/), 0);
  await eventually(async () => expect(await ana.page.title()).toBe(`${roomName} · Parley`));

  await ana.assertClean();
  await bo.assertClean();
});

test('a message written offline waits as pending and is delivered exactly once when the connection is back', async () => {
  const anaAccount = newAccount('ana');
  const boAccount = newAccount('bo');
  await Promise.all([registerViaApi(suite.url, anaAccount), registerViaApi(suite.url, boAccount)]);
  const ana = await signedIn(anaAccount);
  const bo = await signedIn(boAccount);

  // Ana starts a direct conversation with Bo.
  await sidebar(ana.page).getByRole('button', { name: 'New message' }).click();
  const dialog = ana.page.getByRole('dialog', { name: 'New message' });
  await dialog.getByRole('searchbox', { name: 'To' }).fill(boAccount.username);
  await dialog.getByRole('button', { name: new RegExp(`^Message ${boAccount.displayName}`) }).click();
  await ana.page.waitForURL('**/r/*');
  const roomId = new URL(ana.page.url()).pathname.split('/').pop()!;
  await send(ana.page, 'Are you there?');
  await expectVisible(roomLink(bo.page, anaAccount.displayName).getByText('1 unread message'));
  await roomLink(bo.page, anaAccount.displayName).click();
  await expectVisible(messageRow(bo.page, 'Are you there?'));
  await expectText(ana.page.locator('.seen'), 'Seen');

  // Into the tunnel: the app says so, and what Ana writes waits.
  await ana.context.setOffline(true);
  await expectVisible(ana.page.getByText("You're offline."));
  await send(ana.page, 'Written in the tunnel');
  const pending = messageRow(ana.page, 'Written in the tunnel');
  await expectAttribute(pending, 'data-state', 'sending');
  await expectVisible(pending.getByRole('img', { name: 'Waiting for connection' }));
  // It survives a reload of the app (kept in localStorage per user).
  const saved = await ana.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('parley.outbox.')).map((k) => localStorage.getItem(k)));
  expect(saved.join()).toContain('Written in the tunnel');
  await ana.screenshot('chat-desktop-offline');
  await bo.page.waitForTimeout(500);
  await expectCount(messageRow(bo.page, 'Written in the tunnel'), 0);

  // Out of the tunnel: sent once, and Bo gets it once.
  await ana.context.setOffline(false);
  await eventually(async () => expect(await pending.getAttribute('data-state')).toBe('sent'), 15_000);
  await expectHidden(ana.page.getByText("You're offline."));
  await expectVisible(messageRow(bo.page, 'Written in the tunnel'));
  await bo.page.waitForTimeout(500);
  await expectCount(messageRow(bo.page, 'Written in the tunnel'), 1);
  const history = await api<MessagePage>(bo, 'GET', `/api/rooms/${roomId}/messages`);
  expect(history.items.filter((m) => m.body === 'Written in the tunnel')).toHaveLength(1);

  ana.forgetOfflineNoise();
  await ana.assertClean();
  await bo.assertClean();
});

test('phone width: the list and the conversation are two screens, with a back button', async () => {
  const anaAccount = newAccount('ana');
  const boAccount = newAccount('bo');
  await Promise.all([registerViaApi(suite.url, anaAccount), registerViaApi(suite.url, boAccount)]);
  const bo = await signedIn(boAccount);
  const room = await api<RoomSummary>(bo, 'POST', '/api/rooms', { kind: 'group', name: `Phones ${boAccount.username.slice(-5)}` });
  const ana = await signedIn(anaAccount, PHONE);
  const anaUser = (await api<{ items: { id: string }[] }>(bo, 'GET', `/api/users?q=${anaAccount.username}`)).items[0]!;
  await api(bo, 'POST', `/api/rooms/${room.id}/members`, { userId: anaUser.id });
  await bo.page.goto(`/r/${room.id}`);
  await send(bo.page, 'Welcome to the phone room');
  await send(bo.page, 'A second line, to see the grouping of messages from one person');

  // The list is the home screen on a phone.
  const link = roomLink(ana.page, room.name);
  await expectVisible(link.getByText('2 unread messages'));
  await ana.screenshot('chat-phone-list');

  await link.click();
  await expectPath(ana.page, `/r/${room.id}`);
  await expectVisible(messageRow(ana.page, 'A second line'));
  await expectHidden(ana.page.getByRole('button', { name: 'Open navigation' }));
  // On a phone Return starts a new line: the Send button sends.
  await composer(ana.page).fill('Hi from my phone');
  await ana.page.getByRole('button', { name: 'Send message' }).tap();
  await expectVisible(messageRow(bo.page, 'Hi from my phone'));
  await expectAttribute(messageRow(ana.page, 'Hi from my phone'), 'data-state', 'sent');
  await ana.screenshot('chat-phone-room');

  await ana.page.getByRole('link', { name: 'Back to conversations' }).click();
  await expectPath(ana.page, '/');
  await expectVisible(roomLink(ana.page, room.name));
  await expectCount(roomLink(ana.page, room.name).getByText(/unread message/), 0);

  await ana.assertClean();
  await bo.assertClean();
});

/** How many lines an element's text takes on screen. */
function lineCount(locator: Locator): Promise<number> {
  return locator.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  });
}

test("on a narrow phone, a blocked sender's \"Show\" stays one word and a wide table scrolls sideways in its bubble", async () => {
  const [anaAccount, boAccount, cyAccount] = [newAccount('ana'), newAccount('bo'), newAccount('cy')];
  await Promise.all([anaAccount, boAccount, cyAccount].map((account) => registerViaApi(suite.url, account)));
  const [a, b, c] = await Promise.all([anaAccount, boAccount, cyAccount].map((account) => ApiClient.signIn(suite.url, account)));
  const room = await a.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: `Figures ${anaAccount.username.slice(-5)}`, memberIds: [b.user.id, c.user.id] });
  await b.send(room.id, 'Did you see my draft?');
  await c.send(room.id, '| Quarter | Revenue | Costs | Margin | Head count |\n| --- | --- | --- | --- | --- |\n| First quarter | 1,200,000 | 800,000 | 33 % | 41 |\n| Second quarter | 1,350,000 | 870,000 | 36 % | 44 |');
  await a.call('POST', `/api/blocks/${b.user.id}`);

  const ana = await signedIn(anaAccount, { width: 360, height: 740 });
  await ana.page.goto(`/r/${room.id}`);
  const show = messages(ana.page).locator('app-message-item').filter({ hasText: 'Message from a blocked user' }).getByRole('button', { name: 'Show', exact: true });
  await expectVisible(show);
  expect(await lineCount(show)).toBe(1);

  // The table keeps its columns at their natural width (no cell wraps) and scrolls within the bubble.
  const table = messageRow(ana.page, 'First quarter').locator('table');
  await expectVisible(table);
  const cells = table.locator('th, td');
  for (let i = 0; i < (await cells.count()); i++) expect(await lineCount(cells.nth(i))).toBe(1);
  const fit = await table.evaluate((el) => ({
    scrolls: el.scrollWidth > el.clientWidth,
    inBubble: el.getBoundingClientRect().right <= el.closest('.bubble')!.getBoundingClientRect().right,
    onScreen: el.closest('.bubble')!.getBoundingClientRect().right <= window.innerWidth,
  }));
  expect(fit).toEqual({ scrolls: true, inBubble: true, onScreen: true });
  await table.evaluate((el) => el.scrollBy({ left: 1000 }));
  expect(await table.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  await ana.screenshot('chat-phone-blocked-and-table');

  await ana.assertClean();
});

test('a long history scrolls virtually: older pages keep the place, new messages stick to the bottom or offer a jump', async () => {
  const anaAccount = newAccount('ana');
  const boAccount = newAccount('bo');
  const [anaUser] = await Promise.all([registerViaApi(suite.url, anaAccount), registerViaApi(suite.url, boAccount)]);
  const bo = await signedIn(boAccount);
  const room = await api<RoomSummary>(bo, 'POST', '/api/rooms', { kind: 'group', name: `History ${boAccount.username.slice(-5)}`, memberIds: [anaUser.id] });
  for (let i = 1; i <= 130; i++) {
    await api(bo, 'POST', `/api/rooms/${room.id}/messages`, { body: `History ${i}`, clientMsgId: `seed-${i}` });
  }

  // Ana has read it all on another device before she signs in here (a room with unread messages opens at
  // the first of them: timeline.e2e.ts).
  await (await ApiClient.signIn(suite.url, anaAccount)).call('POST', `/api/rooms/${room.id}/read`, { seq: 130 });
  const ana = await signedIn(anaAccount);
  await expectVisible(roomLink(ana.page, room.name));
  await expectCount(roomLink(ana.page, room.name).getByText(/unread message/), 0);
  await roomLink(ana.page, room.name).click();
  await eventually(async () => expect(await onScreen(ana.page, exactly('History 130'))).toBe(true));
  // Only what is on screen (and a little around it) is in the page.
  expect(await messages(ana.page).locator('app-message-item').count()).toBeLessThan(45);
  await expectCount(messages(ana.page).locator('app-message-body', { hasText: exactly('History 1') }), 0);

  // To the top: the page before comes in above, and History 81 (the top of the first page) stays on screen.
  await messages(ana.page).evaluate((el) => (el.scrollTop = 0));
  await expectCount(messages(ana.page).locator('app-message-body', { hasText: exactly('History 80') }), 1);
  await ana.page.waitForTimeout(300);
  expect(await onScreen(ana.page, exactly('History 81'))).toBe(true);

  // On up to the beginning of the conversation.
  await eventually(async () => {
    await messages(ana.page).evaluate((el) => (el.scrollTop = 0));
    expect(await ana.page.getByText('This is the beginning of the conversation.').isVisible()).toBe(true);
  }, 15_000);
  // (isVisible says nothing of the viewport: the last page may still have come in above, keeping the place.)
  await eventually(async () => {
    await messages(ana.page).evaluate((el) => (el.scrollTop = 0));
    expect(await onScreen(ana.page, exactly('History 1'))).toBe(true);
  }, 15_000);
  await ana.screenshot('chat-desktop-history-top');

  // Scrolled up, a new message does not pull the view down: a button offers it.
  await api(bo, 'POST', `/api/rooms/${room.id}/messages`, { body: 'Fresh news', clientMsgId: 'fresh-1' });
  const jump = ana.page.getByRole('button', { name: '1 new message' });
  await expectVisible(jump);
  expect(await onScreen(ana.page, exactly('History 1'))).toBe(true);
  await ana.screenshot('chat-desktop-new-messages-button');
  await jump.click();
  await eventually(async () => expect(await onScreen(ana.page, 'Fresh news')).toBe(true));

  // At the bottom, the next one scrolls into view by itself.
  await api(bo, 'POST', `/api/rooms/${room.id}/messages`, { body: 'And another thing', clientMsgId: 'fresh-2' });
  await eventually(async () => expect(await onScreen(ana.page, 'And another thing')).toBe(true));
  await expectCount(ana.page.getByRole('button', { name: /new message/ }), 0);

  await ana.assertClean();
  await bo.assertClean();
});
