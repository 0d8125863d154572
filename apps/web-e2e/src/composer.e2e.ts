import { LoginResponse, MessagePage, RegisterRequest, RoomSummary, SendFriendRequestResult } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { Browser, Page } from 'playwright-core';
import { newAccount, registerViaApi } from './support/accounts';
import { BrowserSession, DESKTOP, PHONE, launchBrowser } from './support/browser';
import { selectText } from './support/composer';
import { eventually, expectCount, expectFocused, expectHidden, expectVisible } from './support/ui-expect';

/**
 * The composer is a rich-text field: formatting shows as formatting while writing, and what is sent is the message
 * Markdown of docs/messages.md, which the other member's app renders. On a computer Enter sends; on a phone Return
 * starts a new line and the Send button sends.
 */

let server: RunningServer;
let browser: Browser;
const sessions: BrowserSession[] = [];
const writer = newAccount('writer');
const reader = newAccount('reader');
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  // Rooms here take anyone in (no friendship first): the composer is the point.
  [server, browser] = await Promise.all([startServer({ env: { DM_POLICY: 'anyone' } }), launchBrowser()]);
  await registerViaApi(server.url, newAccount('admin'));
  for (const account of [writer, reader]) {
    ids[account.username] = (await registerViaApi(server.url, account)).id;
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: account.username, password: account.password }),
    });
    tokens[account.username] = ((await res.json()) as LoginResponse).token;
  }
  // The reader is in the writer's rooms (with DM_POLICY=friends, only friends are added rather than invited).
  const { request } = await api<SendFriendRequestResult>(writer, 'POST', '/api/friends/requests', { userId: ids[reader.username] });
  await api(reader, 'POST', `/api/friends/requests/${request!.id}/accept`);
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

async function api<T>(account: RegisterRequest, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[account.username]}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

let rooms = 0;
async function newRoom(): Promise<RoomSummary> {
  return api<RoomSummary>(writer, 'POST', '/api/rooms', { kind: 'group', name: `Composer ${++rooms}`, memberIds: [ids[reader.username]] });
}

async function history(roomId: string): Promise<string[]> {
  const page = await api<MessagePage>(reader, 'GET', `/api/rooms/${roomId}/messages`);
  return page.items.filter((m) => !m.deletedAt).map((m) => m.body);
}

async function openRoom(account: RegisterRequest, roomId: string, viewport = DESKTOP): Promise<BrowserSession> {
  const session = await BrowserSession.open(browser, server.url, viewport);
  sessions.push(session);
  const { page } = session;
  await page.goto(`/r/${roomId}`);
  await page.waitForURL('**/login**');
  await page.getByLabel('Username or email').fill(account.username);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`**/r/${roomId}`);
  await expectVisible(field(page));
  return session;
}

const field = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Formatting' });
const tool = (page: Page, name: string) => toolbar(page).getByRole('button', { name, exact: true });
const bodies = (page: Page) => page.getByRole('region', { name: 'Messages' }).locator('app-message-body');
const message = (page: Page, text: string) => bodies(page).filter({ hasText: text });

test('on a computer: bold shows as bold while writing, Shift+Enter adds a line, Enter sends; the reader sees the formatting', async () => {
  const room = await newRoom();
  const me = await openRoom(writer, room.id);
  const { page } = me;

  await field(page).click();
  await page.keyboard.type('The release is on Friday');
  await selectText(field(page), 'release');
  await tool(page, 'Bold').click();
  // Bold in the field, not asterisks; the button shows it is on.
  await expectVisible(field(page).locator('strong', { hasText: 'release' }));
  expect(await field(page).textContent()).toBe('The release is on Friday');
  expect(await tool(page, 'Bold').getAttribute('aria-pressed')).toBe('true');

  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('Second line');
  await expectCount(field(page).locator('p'), 2);
  // Three backticks at the start of a line make a code block.
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('```');
  await page.keyboard.type('npm test');
  await expectVisible(field(page).locator('pre', { hasText: 'npm test' }));
  expect(await history(room.id)).toEqual([]);
  await me.screenshot('composer-desktop-formatted');

  await page.keyboard.press('Enter');
  await eventually(async () => expect(await history(room.id)).toEqual(['The **release** is on Friday\n\nSecond line\n\n```\nnpm test\n```']));
  await expectCount(field(page).locator('strong'), 0);
  await expectFocused(field(page));

  const other = await openRoom(reader, room.id);
  const received = message(other.page, 'is on Friday');
  await expectVisible(received.locator('strong', { hasText: 'release' }));
  await expectCount(received.locator('p'), 2);
  await expectVisible(received.locator('pre', { hasText: 'npm test' }));

  await me.assertClean();
  await other.assertClean();
});

test('typed Markdown characters and tags stay the text they are', async () => {
  const room = await newRoom();
  const me = await openRoom(writer, room.id);
  const { page } = me;
  const literal = 'Use 2 * 3 or 2 ** 3, write <u>x</u> and <span data-color="red">y</span>, # not a heading';

  await field(page).click();
  await page.keyboard.type(literal);
  await expectCount(field(page).locator('u, span[data-color], strong, em, h1'), 0);
  await page.keyboard.press('Enter');

  const other = await openRoom(reader, room.id);
  const received = message(other.page, 'Use 2');
  await expectVisible(received);
  expect((await received.textContent())?.trim()).toBe(literal);
  await expectCount(received.locator('u, span, strong, em, h1'), 0);

  await me.assertClean();
  await other.assertClean();
});

test('on a phone: Return starts a new line and never sends; the Send button sends a list that arrives as a list', async () => {
  const room = await newRoom();
  const me = await openRoom(writer, room.id, PHONE);
  const { page } = me;

  await field(page).tap();
  await page.keyboard.type('Shopping:');
  await page.keyboard.press('Enter');
  await page.keyboard.type('- milk');
  await page.keyboard.press('Enter');
  await page.keyboard.type('eggs');
  await expectCount(field(page).locator('li'), 2);
  await page.waitForTimeout(300);
  expect(await history(room.id)).toEqual([]);
  expect(await page.getByText('Return starts a new line; the Send button sends.').count()).toBe(1);
  await me.screenshot('composer-phone-list');

  await page.getByRole('button', { name: 'Send message' }).tap();
  await eventually(async () => expect(await history(room.id)).toEqual(['Shopping:\n\n- milk\n- eggs']));

  const other = await openRoom(reader, room.id);
  const received = message(other.page, 'Shopping:');
  await expectCount(received.locator('ul > li'), 2);
  await expectVisible(received.locator('li', { hasText: 'eggs' }));

  await me.assertClean();
  await other.assertClean();
});

test('on a phone the page does not scroll sideways: the toolbar scrolls within itself, and the colour palette opens over its button', async () => {
  const room = await newRoom();
  const me = await openRoom(writer, room.id, PHONE);
  const { page } = me;

  const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, viewport: innerWidth }));
  expect(widths.doc).toBeLessThanOrEqual(widths.viewport);
  expect(widths.body).toBeLessThanOrEqual(widths.viewport);
  const strip = await toolbar(page).evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, faded: el.parentElement!.classList.contains('more-after') }));
  expect(strip.scroll).toBeGreaterThan(strip.client);
  expect(strip.faded).toBe(true);

  await tool(page, 'Text colour').tap();
  const palette = page.getByRole('group', { name: 'Text colour' });
  await expectVisible(palette);
  await me.screenshot('composer-phone-colours');
  const [button, box] = await Promise.all([tool(page, 'Text colour').boundingBox(), palette.boundingBox()]);
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
  // Over its button: the button's middle is within the palette's width.
  expect(button!.x + button!.width / 2).toBeGreaterThan(box!.x);
  expect(button!.x + button!.width / 2).toBeLessThan(box!.x + box!.width);
  expect(box!.y + box!.height).toBeLessThanOrEqual(button!.y);

  await me.assertClean();
});

test('on a computer the colour palette opens over its button and colours the selection', async () => {
  const room = await newRoom();
  const me = await openRoom(writer, room.id);
  const { page } = me;

  await field(page).click();
  await page.keyboard.type('Status: late');
  await selectText(field(page), 'late');
  await tool(page, 'Text colour').click();
  const palette = page.getByRole('group', { name: 'Text colour' });
  await expectVisible(palette);
  const [button, box] = await Promise.all([tool(page, 'Text colour').boundingBox(), palette.boundingBox()]);
  expect(Math.abs(button!.x + button!.width / 2 - (box!.x + box!.width / 2))).toBeLessThan(4);
  await me.screenshot('composer-desktop-colours');

  await palette.getByRole('button', { name: 'Red' }).click();
  await expectHidden(palette);
  await expectVisible(field(page).locator('span[data-color="red"]', { hasText: 'late' }));
  expect(await tool(page, 'Text colour: Red').count()).toBe(1);
  await page.keyboard.press('Enter');
  await eventually(async () => expect(await history(room.id)).toEqual(['Status: <span data-color="red">late</span>']));

  await me.assertClean();
});

test('the emoji picker stays open for several picks, each going in at the cursor; on a phone its search does not take the focus', async () => {
  const room = await newRoom();
  for (const viewport of [PHONE, DESKTOP]) {
    const me = await openRoom(writer, room.id, viewport);
    const { page } = me;
    const phone = viewport === PHONE;
    await (phone ? field(page).tap() : field(page).click());
    await page.keyboard.type('Party  time');
    // The cursor between the two spaces.
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');

    const button = page.getByRole('button', { name: 'Emoji', exact: true });
    await (phone ? button.tap() : button.click());
    const picker = page.locator('emoji-picker');
    // The emoji of the first category, as buttons in a grid.
    const options = picker.locator('[role=tabpanel] [role=menuitem]');
    await expectVisible(options.first());
    const searchFocused = () => picker.evaluate((el) => el.shadowRoot?.activeElement?.matches('input') ?? false);
    await page.waitForTimeout(300);
    expect(await searchFocused()).toBe(!phone);
    await me.screenshot(`composer-${phone ? 'phone' : 'desktop'}-emoji`);

    const a = ((await options.nth(0).textContent()) ?? '').trim();
    const b = ((await options.nth(1).textContent()) ?? '').trim();
    await (phone ? options.nth(0).tap() : options.nth(0).click());
    await (phone ? options.nth(1).tap() : options.nth(1).click());
    // Still open after two picks; both went in where the cursor was.
    await expectVisible(picker);
    await eventually(async () => expect(await field(page).textContent()).toBe(`Party ${a}${b} time`));

    await page.getByRole('button', { name: 'Close emoji picker' }).click();
    await expectHidden(picker);
    await page.getByRole('button', { name: 'Send message' }).click();
    await eventually(async () => expect((await history(room.id)).at(-1)).toBe(`Party ${a}${b} time`));
    await me.assertClean();
    await me.close();
  }
});

test('editing a message with colour and underline shows the formatting, and saving it unchanged keeps the same body', async () => {
  const room = await newRoom();
  const body = 'Check <u>this</u> and <span data-color="blue">**that**</span>\n\n- one\n- two';
  await api(writer, 'POST', `/api/rooms/${room.id}/messages`, { body, clientMsgId: 'edit-me' });
  const me = await openRoom(writer, room.id);
  const { page } = me;

  const mine = message(page, 'Check');
  await mine.hover();
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await expectVisible(page.getByText('Editing message'));
  await expectVisible(field(page).locator('u', { hasText: 'this' }));
  await expectVisible(field(page).locator('span[data-color="blue"]', { hasText: 'that' }));
  await expectVisible(field(page).locator('strong', { hasText: 'that' }));
  await expectCount(field(page).locator('li'), 2);
  expect(await field(page).textContent()).not.toContain('<');
  await me.screenshot('composer-desktop-editing');

  await page.keyboard.press('Enter');
  await expectHidden(page.getByText('Editing message'));
  await page.waitForTimeout(300);
  expect(await history(room.id)).toEqual([body]);

  // A real change keeps the rest of the formatting.
  await mine.hover();
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await expectVisible(field(page).locator('u', { hasText: 'this' }));
  await page.keyboard.type(' three');
  await page.keyboard.press('Enter');
  await eventually(async () => expect(await history(room.id)).toEqual([`${body} three`]));

  await me.assertClean();
});

test('pasted formatted text keeps the formatting a message can carry and nothing else', async () => {
  const room = await newRoom();
  const me = await openRoom(writer, room.id);
  const { page } = me;

  await field(page).click();
  await field(page).evaluate((el) => {
    const data = new DataTransfer();
    data.setData('text/plain', 'bold red link');
    data.setData(
      'text/html',
      '<b>bold</b> <span style="color:red" data-color="red">red</span> <a href="javascript:alert(1)">link</a><img src="/api/pixel.png"><script>window.__pasted=1</script>',
    );
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await expectVisible(field(page).locator('strong', { hasText: 'bold' }));
  await expectVisible(field(page).locator('span[data-color="red"]', { hasText: 'red' }));
  await expectCount(field(page).locator('a, img, script, [style]'), 0);
  await page.keyboard.press('Enter');
  await eventually(async () => expect(await history(room.id)).toEqual(['**bold** <span data-color="red">red</span> link']));
  expect(await page.evaluate(() => (window as unknown as { __pasted?: number }).__pasted)).toBeUndefined();

  await me.assertClean();
});
