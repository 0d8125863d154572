import { LoginResponse, RegisterRequest, RoomSummary, SendFriendRequestResult } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { Browser, Page } from 'playwright-core';
import { newAccount, registerViaApi } from './support/accounts';
import { BrowserSession, DESKTOP, PHONE, launchBrowser } from './support/browser';
import { selectText } from './support/composer';
import { eventually, expectAttribute, expectCount, expectFocused, expectHidden, expectPath, expectVisible } from './support/ui-expect';

/**
 * Message bodies are attacker-controlled text. These tests post a corpus of XSS payloads as real messages and
 * read them in the real app under the real CSP: nothing may run, open a dialog, load anything or be reported.
 * Then the composer: its toolbar, shortcuts and emoji picker format the text as it is written, and the other
 * member sees it formatted. Then the room dialogs and invite links.
 */

/** Every payload would set `window.__xss` (or open a dialog, or load something) if any part of it ran. */
const XSS_CORPUS: readonly string[] = [
  '<script>window.__xss=1</script>',
  '<SCRIPT SRC=/api/xss.js></SCRIPT>',
  '<sub><script>window.__xss=1</script></sub>',
  '<img src=x onerror="window.__xss=1">',
  '<img src="/api/pixel.png">',
  '"><img src=x onerror=window.__xss=1>',
  '<svg onload="window.__xss=1">',
  '<svg><script>window.__xss=1</script></svg>',
  '<svg><animate onbegin="window.__xss=1" attributeName="x" dur="1s"></svg>',
  '<svg><a xlink:href="javascript:window.__xss=1"><text x="20" y="20">svg link</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=1">',
  '<form><math><mtext></form><form><mglyph><style></math><img src onerror=window.__xss=1>',
  '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
  '<!--<img src="--><img src=x onerror=window.__xss=1//">',
  '<a href="javascript:window.__xss=1">click</a>',
  '<a href="JaVaScRiPt:window.__xss=1">click</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;window.__xss=1">click</a>',
  '<a href="&#x6A;avascript&#x3A;window.__xss=1">click</a>',
  '<a href="java&#9;script:window.__xss=1">click</a>',
  '<a href="vbscript:msgbox(1)">click</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
  '<a href="https://example.com" onclick="window.__xss=1" id="x" class="btn">ok</a>',
  '<a id="__xss" name="__xss">clobber</a>',
  '[click](javascript:window.__xss=1)',
  '[click](JAVASCRIPT:window.__xss=1)',
  '[click](&#106;avascript:window.__xss=1)',
  '[click](data:text/html,<script>window.__xss=1</script>)',
  '[click][1]\n\n[1]: javascript:window.__xss=1',
  '![x](javascript:window.__xss=1)',
  '![tracking pixel](/api/pixel.png)',
  '![x" onerror="window.__xss=1](x)',
  '<javascript:window.__xss=1>',
  '<https://example.com/" onmouseover="window.__xss=1>',
  '<iframe src="javascript:window.__xss=1"></iframe>',
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  '<object data="javascript:window.__xss=1"></object>',
  '<embed src="javascript:window.__xss=1">',
  '<form action="javascript:window.__xss=1"><button>go</button></form>',
  '<input autofocus onfocus="window.__xss=1">',
  '<details open ontoggle="window.__xss=1"><summary>x</summary></details>',
  '<video><source onerror="window.__xss=1"></video>',
  '<div onpointerover="window.__xss=1" onmouseover="window.__xss=1">hover me</div>',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
  '<base href="javascript:/">',
  '<link rel="stylesheet" href="/api/evil.css">',
  '<style>body{display:none}</style>',
  '<span style="position:fixed;inset:0;background:red">overlay</span>',
  '<span data-color="red" onclick="window.__xss=1">x</span>',
  '<span data-color="red;background:url(/api/x.png)">x</span>',
  '`<script>window.__xss=1</script>`',
  '```html\n<img src=x onerror=window.__xss=1>\n```',
  '<code><img src=x onerror="window.__xss=1"></code>',
];

const FORMATTED = 'Formatting check: **bold words** <u>underlined</u> <span data-color="red">red text</span> <mark>marked</mark> H<sub>2</sub>O x<sup>2</sup>';

const ALLOWED_TAGS = 'p br strong em u s del h1 h2 h3 h4 h5 h6 sub sup ul ol li code pre blockquote a mark span hr table thead tbody tr th td';
const ALLOWED_ATTRIBUTES = 'href data-color start rel target';

/** What the browser saw of the message bodies while they were on screen. */
interface Seen {
  tags: string[];
  problems: string[];
}

let server: RunningServer;
let browser: Browser;
let sessions: BrowserSession[] = [];
const alice = newAccount('alice');
const bob = newAccount('bob');
const carol = newAccount('carol');
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  // A generous send burst so the corpus goes in at once (429s are retried anyway).
  [server, browser] = await Promise.all([startServer({ env: { SOCKET_SEND_BURST: '500', DM_POLICY: 'anyone' } }), launchBrowser()]);
  for (const account of [alice, bob, carol]) {
    const user = await registerViaApi(server.url, account);
    ids[account.username] = user.id;
    tokens[account.username] = await loginToken(account);
  }
  // Alice's groups hold Bob and Carol (with DM_POLICY=friends, only friends are added rather than invited).
  for (const friend of [bob, carol]) {
    const { request } = await api<SendFriendRequestResult>(alice, 'POST', '/api/friends/requests', { userId: ids[friend.username] });
    await api(friend, 'POST', `/api/friends/requests/${request!.id}/accept`);
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

afterEach(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  sessions = [];
});

async function loginToken(account: RegisterRequest): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: account.username, password: account.password }),
  });
  if (res.status !== 200) throw new Error(`login ${account.username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as LoginResponse).token;
}

/** A REST call as `account` (bearer token: no CSRF needed); a 429 waits and tries again. */
async function api<T>(account: RegisterRequest, method: string, path: string, body?: unknown): Promise<T> {
  for (;;) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[account.username]}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 429) {
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
      continue;
    }
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
}

async function createGroup(owner: RegisterRequest, name: string, members: RegisterRequest[]): Promise<RoomSummary> {
  return api<RoomSummary>(owner, 'POST', '/api/rooms', { kind: 'group', name, memberIds: members.map((m) => ids[m.username]) });
}

let sent = 0;
async function post(author: RegisterRequest, roomId: string, body: string): Promise<void> {
  await api(author, 'POST', `/api/rooms/${roomId}/messages`, { body, clientMsgId: `xss-e2e-${Date.now()}-${++sent}` });
}

async function open(viewport = DESKTOP): Promise<BrowserSession> {
  const session = await BrowserSession.open(browser, server.url, viewport);
  sessions.push(session);
  return session;
}

async function signIn(page: Page, account: RegisterRequest, path = '/'): Promise<void> {
  await page.goto(path);
  await page.waitForURL('**/login**');
  await page.getByLabel('Username or email').fill(account.username);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

function composerField(page: Page) {
  return page.getByRole('textbox', { name: 'Message', exact: true });
}

/** Watches message bodies as the virtual list renders them, checking each against the allow-list. */
async function watchMessageBodies(page: Page): Promise<void> {
  await page.evaluate(
    ({ tags, attrs }) => {
      const allowedTags = new Set(tags.split(' '));
      const allowedAttrs = new Set(attrs.split(' '));
      const w = window as unknown as { __seen: Seen };
      w.__seen = { tags: [], problems: [] };
      const inspect = (body: Element) => {
        const tag = /xss-\d+/.exec(body.textContent ?? '')?.[0];
        if (tag && !w.__seen.tags.includes(tag)) w.__seen.tags.push(tag);
        for (const el of Array.from(body.querySelectorAll('*'))) {
          const name = el.tagName.toLowerCase();
          if (!allowedTags.has(name)) w.__seen.problems.push(`${tag}: <${name}>`);
          for (const attr of Array.from(el.attributes)) {
            if (!allowedAttrs.has(attr.name)) w.__seen.problems.push(`${tag}: ${attr.name} on <${name}>`);
          }
          const href = el.getAttribute('href');
          if (href !== null && !/^(?:https?:|mailto:)/i.test(href)) w.__seen.problems.push(`${tag}: href ${href}`);
          // Poke it the way a reader's pointer would.
          for (const type of ['mouseover', 'pointerover', 'focus']) el.dispatchEvent(new Event(type));
        }
      };
      document.querySelectorAll('app-message-body').forEach(inspect);
      new MutationObserver(() => document.querySelectorAll('app-message-body').forEach(inspect)).observe(document.body, {
        childList: true,
        subtree: true,
      });
    },
    { tags: ALLOWED_TAGS, attrs: ALLOWED_ATTRIBUTES },
  );
}

/** Scrolls the conversation to its very beginning (loading older pages), then back down to the end. */
async function scrollThroughConversation(page: Page): Promise<void> {
  const scroller = page.getByRole('region', { name: 'Messages' });
  await expectVisible(scroller);
  const start = page.getByText('This is the beginning of the conversation.');
  // Upwards a screen at a time, as a reader would, until the first message (older pages load on the way).
  for (let i = 0; i < 400 && !(await start.isVisible()); i++) {
    await scroller.evaluate((el) => (el.scrollTop = Math.max(0, el.scrollTop - el.clientHeight / 2)));
    await page.waitForTimeout(150);
  }
  await expectVisible(start);
  for (let i = 0; i < 200; i++) {
    const atEnd = await scroller.evaluate((el) => {
      el.scrollTop += el.clientHeight / 2;
      return el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
    });
    await page.waitForTimeout(150);
    if (atEnd) break;
  }
}

test('a corpus of XSS payloads posted as messages renders inert for the reader', async () => {
  const room = await createGroup(alice, 'XSS lab', [bob]);
  for (const [i, payload] of XSS_CORPUS.entries()) {
    await post(alice, room.id, `xss-${String(i).padStart(2, '0')}\n\n${payload}`);
  }
  await post(alice, room.id, FORMATTED);

  const session = await open();
  const { page } = session;
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const requested: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith('/api/xss') || url.pathname.startsWith('/api/pixel') || url.pathname.startsWith('/api/evil') || url.pathname === '/api/x.png') {
      requested.push(url.pathname);
    }
  });

  await signIn(page, bob, `/r/${room.id}`);
  await expectPath(page, `/r/${room.id}`);
  await expectVisible(page.getByRole('heading', { name: 'XSS lab' }));
  await watchMessageBodies(page);
  await scrollThroughConversation(page);

  // Every payload was on screen at some point, and none left anything outside the allow-list.
  const expected = XSS_CORPUS.map((_, i) => `xss-${String(i).padStart(2, '0')}`);
  await eventually(async () => {
    const seen = await page.evaluate(() => (window as unknown as { __seen: Seen }).__seen);
    expect({ missing: expected.filter((t) => !seen.tags.includes(t)), problems: seen.problems }).toEqual({ missing: [], problems: [] });
  }, 10_000);

  // The formatting vocabulary survives the same sanitiser.
  const formatted = page.locator('app-message-body', { hasText: 'Formatting check' });
  await expectVisible(formatted);
  await expectVisible(formatted.locator('strong', { hasText: 'bold words' }));
  await expectVisible(formatted.locator('u', { hasText: 'underlined' }));
  await expectVisible(formatted.locator('span[data-color="red"]', { hasText: 'red text' }));
  await expectVisible(formatted.locator('mark', { hasText: 'marked' }));
  await expectCount(formatted.locator('sub'), 1);
  await expectCount(formatted.locator('sup'), 1);
  expect(await formatted.locator('span[data-color="red"]').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(198, 40, 40)');
  await session.screenshot('xss-room');

  // Give anything delayed (timers, refreshes, lazy loads) a moment, then check that nothing happened.
  await page.waitForTimeout(500);
  const markers = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    return { xss: typeof w['__xss'], bodyVisible: getComputedStyle(document.body).display !== 'none' };
  });
  expect(markers).toEqual({ xss: 'undefined', bodyVisible: true });
  expect(dialogs).toEqual([]);
  expect(requested).toEqual([]);
  await expectPath(page, `/r/${room.id}`);
  await session.assertClean();
});

test('the toolbar, shortcuts and emoji picker format the text as it is written; the other member sees it formatted', async () => {
  const room = await createGroup(alice, 'Formatting', [bob]);

  const writer = await open();
  await signIn(writer.page, alice, `/r/${room.id}`);
  const page = writer.page;
  const field = composerField(page);
  await expectVisible(field);
  const toolbar = page.getByRole('toolbar', { name: 'Formatting' });
  const bold = toolbar.getByRole('button', { name: 'Bold', exact: true });

  // A toolbar button turns the format on for what is typed next, and shows that it is on.
  await field.click();
  await page.keyboard.type('Hello ');
  await bold.click();
  await expectAttribute(bold, 'aria-pressed', 'true');
  await page.keyboard.type('team');
  await page.keyboard.press('Control+b');
  await expectAttribute(bold, 'aria-pressed', 'false');
  await expectVisible(field.locator('strong', { hasText: 'team' }));

  await page.keyboard.type(' ');
  await page.keyboard.press('Control+u');
  await page.keyboard.type('now');
  await page.keyboard.press('Control+u');
  await expectVisible(field.locator('u', { hasText: 'now' }));

  await page.keyboard.type(' ');
  await toolbar.getByRole('button', { name: 'Text colour' }).click();
  await writer.screenshot('composer-colours');
  await page.getByRole('group', { name: 'Text colour' }).getByRole('button', { name: 'Red' }).click();
  await page.keyboard.type('red');
  await expectVisible(field.locator('span[data-color="red"]', { hasText: 'red' }));

  // Select a word and italicise it with the shortcut.
  await selectText(field, 'Hello');
  await page.keyboard.press('Control+i');
  await expectVisible(field.locator('em', { hasText: 'Hello' }));
  // What is written shows as formatting, never as Markdown or tags.
  expect(await field.textContent()).toBe('Hello team now red');

  // The emoji picker (data served by Parley itself) inserts at the cursor and stays open for more.
  await page.keyboard.press('End');
  await page.keyboard.type(' ');
  await page.getByRole('button', { name: 'Emoji', exact: true }).click();
  const picker = page.locator('emoji-picker');
  await expectVisible(picker);
  const search = picker.getByRole('combobox');
  await search.fill('thumbs up');
  const thumbs = picker.getByRole('option').first();
  await expectVisible(thumbs);
  await writer.screenshot('composer-emoji');
  const emoji = ((await thumbs.textContent()) ?? '').trim();
  expect(emoji).toMatch(/^👍/u);
  await thumbs.click();
  const first = `Hello team now red ${emoji}`;
  await eventually(async () => expect(await field.textContent()).toBe(first));
  await expectVisible(picker);
  await page.keyboard.press('Escape');
  await expectHidden(picker);

  // Shift+Enter: a new line, then a bulleted list.
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Enter');
  await toolbar.getByRole('button', { name: 'Bulleted list' }).click();
  await page.keyboard.type('first point');
  await expectVisible(field.locator('li', { hasText: 'first point' }));

  await page.keyboard.press('Enter');
  await expectCount(field.locator('li'), 0);
  const mine = page.locator('app-message-body', { hasText: 'first point' });
  await expectVisible(mine.locator('strong', { hasText: 'team' }));

  // Editing sets the unsent draft aside and brings it back; Escape cancels; a reload keeps the draft.
  await page.keyboard.type('unsent draft');
  await mine.hover();
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await expectVisible(page.getByText('Editing message'));
  await expectVisible(field.locator('em', { hasText: 'Hello' }));
  await expectVisible(field.locator('li', { hasText: 'first point' }));
  await page.keyboard.press('Escape');
  await expectHidden(page.getByText('Editing message'));
  await eventually(async () => expect(await field.textContent()).toBe('unsent draft'));
  await page.reload();
  await eventually(async () => expect(await composerField(page).textContent()).toBe('unsent draft'));

  // The other member sees the same formatting.
  const reader = await open();
  await signIn(reader.page, bob, `/r/${room.id}`);
  const message = reader.page.locator('app-message-body', { hasText: 'first point' });
  await expectVisible(message);
  await expectVisible(message.locator('em', { hasText: 'Hello' }));
  await expectVisible(message.locator('strong', { hasText: 'team' }));
  await expectVisible(message.locator('u', { hasText: 'now' }));
  await expectVisible(message.locator('span[data-color="red"]', { hasText: 'red' }));
  await expectVisible(message.locator('li', { hasText: 'first point' }));
  expect(await message.textContent()).toContain(emoji);
  await reader.screenshot('formatted-message');

  await writer.assertClean();
  await reader.assertClean();
});

test('rooms are created, browsed and joined through invite links from the dialogs, also at phone width', async () => {
  const writer = await open();
  const { page } = writer;
  await signIn(page, alice);

  // Create a public room with Bob in it.
  await page.getByRole('button', { name: 'New room' }).first().click();
  const create = page.getByRole('dialog', { name: 'Create a room' });
  await expectVisible(create);
  await expectFocused(create.getByLabel('Name', { exact: true }));
  await create.getByRole('button', { name: 'Create room' }).click();
  await expectVisible(create.getByText('Name is required.'));
  await create.getByLabel('Name', { exact: true }).fill('Launch plans');
  await create.getByLabel('Topic').fill('Everything about the launch');
  await create.getByText('Public room').click();
  await create.getByLabel('Add people').fill(bob.username);
  await create.getByRole('button', { name: new RegExp(`^Add ${bob.displayName}`) }).click();
  await expectVisible(create.getByRole('list', { name: 'People to add or invite' }).getByText(bob.displayName));
  await writer.screenshot('dialog-create-room');
  await create.getByRole('button', { name: 'Create room' }).click();
  await expectHidden(create);
  await page.waitForURL('**/r/**');
  const roomId = new URL(page.url()).pathname.split('/').pop()!;
  await expectVisible(page.getByRole('heading', { name: 'Launch plans' }));

  // Settings: both members are listed; make an invite link.
  await page.getByRole('button', { name: 'Room settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Launch plans' });
  await expectVisible(settings);
  const members = settings.getByRole('list', { name: 'Members' });
  await expectVisible(members.getByText(bob.displayName));
  await expectVisible(members.getByText('Owner'));
  await settings.getByRole('button', { name: 'Create link' }).click();
  const link = settings.getByRole('textbox', { name: 'Invite link', exact: true });
  await expectVisible(link);
  const url = await link.inputValue();
  expect(url).toMatch(new RegExp(`^${server.url}/invite/[A-Za-z0-9_-]{16,}$`));
  await writer.screenshot('dialog-room-settings');
  await page.keyboard.press('Escape');
  await expectHidden(settings);

  // Carol, signed out, opens the link: she sees the room, signs in, comes back to it, joins and lands in the room.
  const guest = await open(PHONE);
  const invitePath = new URL(url).pathname;
  await guest.page.goto(invitePath);
  await expectVisible(guest.page.getByRole('heading', { name: 'Launch plans' }));
  await guest.page.getByRole('link', { name: 'Sign in to join' }).click();
  await guest.page.waitForURL('**/login**');
  await guest.page.getByLabel('Username or email').fill(carol.username);
  await guest.page.getByLabel('Password', { exact: true }).fill(carol.password);
  await guest.page.getByRole('button', { name: 'Sign in' }).click();
  await expectPath(guest.page, invitePath);
  await guest.page.getByRole('button', { name: 'Join room' }).click();
  await expectPath(guest.page, `/r/${roomId}`);
  await expectVisible(guest.page.getByRole('heading', { name: 'Launch plans' }));

  // A bad code says so.
  guest.expectHttpError(404, '/api/invites/not-a-real-code');
  await guest.page.goto('/invite/not-a-real-code');
  await expectVisible(guest.page.getByRole('heading', { name: "This invite link doesn't work" }));
  await guest.screenshot('phone-invite-error');

  // Browse rooms at phone width: the public room is listed and Carol is in it already.
  await guest.page.goto('/');
  await guest.page.getByRole('button', { name: 'Browse rooms' }).first().click();
  const directory = guest.page.getByRole('dialog', { name: 'Browse rooms' });
  await expectVisible(directory);
  await expectFocused(directory.getByLabel('Search rooms'));
  await directory.getByLabel('Search rooms').fill('launch');
  await expectVisible(directory.getByRole('button', { name: 'Open Launch plans' }));
  await guest.screenshot('phone-dialog-browse-rooms');
  const box = await directory.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(PHONE.width);
  await directory.getByRole('button', { name: 'Open Launch plans' }).click();
  await expectHidden(directory);
  await expectPath(guest.page, `/r/${roomId}`);
  await expectVisible(composerField(guest.page));
  await guest.screenshot('phone-room');

  // Carol (a plain member) sees the members but no admin actions, and leaves the room.
  await guest.page.getByRole('button', { name: 'Room settings' }).click();
  const carolSettings = guest.page.getByRole('dialog', { name: 'Launch plans' });
  await expectVisible(carolSettings.getByRole('list', { name: 'Members' }).getByText(carol.displayName));
  await expectCount(carolSettings.getByRole('button', { name: /^Remove / }), 0);
  await expectCount(carolSettings.getByRole('button', { name: 'Create link' }), 0);
  await carolSettings.getByRole('button', { name: 'Leave room' }).click();
  await guest.screenshot('phone-dialog-room-settings');
  await carolSettings.getByRole('group', { name: 'Leave this room?' }).getByRole('button', { name: 'Leave' }).click();
  await expectHidden(carolSettings);
  await expectPath(guest.page, '/');

  await writer.assertClean();
  await guest.assertClean();
});
