/** @long-running over a minute: every page and dialog, light and dark, at two widths through axe-core (starts first: tools/scripts/jest-sequencer.cjs) */
import { Browser, Page } from 'playwright-core';
import { RoomInvite, RoomSummary, SendFriendRequestResult } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { newAccount, registerViaApi } from './support/accounts';
import { ApiClient } from './support/api-client';
import { AccessibilityAudit } from './support/axe';
import { BrowserSession, DESKTOP, PHONE, launchBrowser } from './support/browser';
import { makeBlob, makePdf, makePicture, uploadViaApi } from './support/files';
import { eventually, expectCount, expectHidden, expectText, expectVisible } from './support/ui-expect';

/**
 * Every page and dialog of the app, in light and dark mode, at desktop and phone width: axe-core finds no
 * serious or critical accessibility violation (contrast, names, labels, roles, landmarks).
 */

let server: RunningServer;
let browser: Browser;
const sessions: BrowserSession[] = [];

// Ana is the first account, so the server's admin: she sees every page there is.
const ana = newAccount('ana');
const bo = newAccount('bo');
const cy = newAccount('cy');
const dee = newAccount('dee');
const eve = newAccount('eve');
let groupId = '';
let directId = '';
/** An invite link to a room Ana is not in. */
let inviteCode = '';

beforeAll(async () => {
  // A small file size limit, so that the tray can show a file refused for its size.
  [server, browser] = await Promise.all([startServer({ env: { FILE_MAX_BYTES: String(5 * 1024 * 1024) } }), launchBrowser()]);
  for (const account of [ana, bo, cy, dee, eve]) await registerViaApi(server.url, account);
  const [a, b, c, d, e] = await Promise.all([ana, bo, cy, dee, eve].map((account) => ApiClient.signIn(server.url, account)));

  // Ana and Bo are friends with a direct conversation; Cy has asked Ana; Dee was a friend, now blocked; Eve is deactivated.
  const befriend = async (from: ApiClient, to: ApiClient) => {
    const asked = await from.call<SendFriendRequestResult>('POST', '/api/friends/requests', { userId: to.user.id });
    await to.call('POST', `/api/friends/requests/${asked.request!.id}/accept`);
  };
  await befriend(a, b);
  await befriend(a, d);
  await c.call('POST', '/api/friends/requests', { userId: a.user.id });
  await a.call('POST', '/api/friends/requests', { userId: e.user.id });

  const group = await a.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: 'Design review', topic: 'Mock-ups and decisions', memberIds: [b.user.id, d.user.id] });
  groupId = group.id;
  // Cy is not Ana's friend: he is invited into her group, and he invites her into his.
  await a.call('POST', `/api/rooms/${groupId}/members`, { userId: c.user.id });
  const cyGroup = await c.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: 'Tea club', topic: 'Who brings the biscuits' });
  await c.call('POST', `/api/rooms/${cyGroup.id}/members`, { userId: a.user.id });
  // Bo has a room with an invite link that Ana has not used.
  const reading = await b.call<RoomSummary>('POST', '/api/rooms', { kind: 'public', name: 'Reading club', topic: 'One chapter a week' });
  inviteCode = (await b.call<RoomInvite>('POST', `/api/rooms/${reading.id}/invites`, {})).code;
  await b.send(groupId, 'Morning! Here is where we are:\n\n| Screen | Owner | State |\n| --- | --- | --- |\n| Sign-in | Bo | **done** |\n| Chat | Ana | in review |');
  await d.send(groupId, 'Did anyone look at my draft?');
  await b.send(groupId, 'Things to check: `contrast`, ==highlights==, and [the guide](https://example.com/guide).');
  // Files: three pictures in a grid, a document card and a file of no known kind.
  const shared = [
    await makePicture('mock-up-1.png', 1200, 800, 220),
    await makePicture('mock-up-2.png', 800, 1000, 40),
    await makePicture('mock-up-3.png', 900, 900, 140),
    makePdf('review-notes.pdf', 'Review notes'),
    makeBlob('tokens.bin', 4096),
  ];
  const files = [];
  for (const file of shared) files.push(await uploadViaApi(server.url, b, groupId, file));
  await b.send(groupId, 'The mock-ups and my notes', files.map((f) => f.id));
  const mine = await a.send(groupId, 'Thanks both, looks good to me.');
  await b.read(mine);
  await a.call('POST', `/api/blocks/${d.user.id}`);
  // A system line in the conversation, and the blocked sender's message last: the room list withholds it (and
  // with Dee's reply, everyone has seen Ana's message).
  await a.call('PATCH', `/api/rooms/${groupId}`, { topic: 'Mock-ups, decisions and dates' });
  await d.send(groupId, 'Anyone there?');

  const direct = await a.call<RoomSummary>('POST', '/api/rooms/direct', { userId: b.user.id });
  directId = direct.id;
  await b.send(directId, 'Lunch at noon?');
  await b.read(await a.send(directId, 'Yes, see you there'));

  await a.call('POST', `/api/admin/users/${e.user.id}/deactivate`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

async function open(viewport: typeof DESKTOP): Promise<BrowserSession> {
  const session = await BrowserSession.open(browser, server.url, viewport);
  sessions.push(session);
  return session;
}

async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const dialog = (page: Page) => page.getByRole('dialog');
/** Where cdk dialogs are shown: a check of a dialog looks only there (the page behind it was checked already). */
const DIALOGS = '.cdk-overlay-container';

async function closeDialog(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await expectHidden(dialog(page));
}

/**
 * The signed-in walk audits every page and dialog in light and dark mode: about 40 s on a quiet 2-core machine,
 * over a minute while CI runs other browser tests beside it.
 */
const SIGNED_IN_WALK_MS = 180_000;

const sizes = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const;

describe.each(sizes)('at %s width, in light and dark mode', (where, viewport) => {
  test('the signed-out pages have no serious or critical accessibility violations', async () => {
    const session = await open(viewport);
    const { page } = session;
    const audit = new AccessibilityAudit(where);

    await page.goto('/login');
    await expectVisible(page.getByRole('heading', { name: 'Welcome back' }));
    await audit.check(page, 'sign-in');

    session.expectHttpError(403, '/api/auth/login');
    await signIn(page, eve.username, eve.password);
    await expectVisible(page.getByRole('alert'));
    await audit.check(page, 'sign-in refused');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Create your account' }));
    await page.getByRole('button', { name: 'Create account' }).click();
    await audit.check(page, 'register with errors');

    // An invite link, before signing in: the room it leads to, and one that leads nowhere.
    await page.goto(`/invite/${inviteCode}`);
    await expectVisible(page.getByRole('heading', { name: 'Reading club' }));
    await audit.check(page, 'invite preview, signed out');
    session.expectHttpError(404, '/api/invites/not-a-code');
    await page.goto('/invite/not-a-code');
    await expectVisible(page.getByRole('heading', { name: "This invite link doesn't work" }));
    await audit.check(page, 'invite that does not work, signed out');

    audit.assertNone();
    await session.assertClean();
  });

  test('every signed-in page and dialog has no serious or critical accessibility violations', async () => {
    const session = await open(viewport);
    const { page } = session;
    const audit = new AccessibilityAudit(where);
    const phone = viewport === PHONE;

    await page.goto('/login');
    await signIn(page, ana.username, ana.password);
    await page.waitForURL((url) => url.pathname === '/');
    await expectVisible(page.getByRole('link', { name: /Design review/ }).getByText('Message from someone you blocked'));
    // Cy's invitation, above the conversations (in the sidebar; on a phone, on this screen).
    await expectVisible(page.getByRole('list', { name: /^Invitations/ }).getByText('Tea club'));
    await audit.check(page, 'home');

    if (phone) {
      await page.getByRole('button', { name: 'Open navigation' }).click();
      await expectVisible(page.getByRole('button', { name: 'Close navigation' }));
      await audit.check(page, 'navigation drawer', '#app-sidebar');
      await page.getByRole('button', { name: 'Close navigation' }).click();
    }

    // A group conversation: others' messages, a table, blocked senders' messages, mine with "Seen by", a system line.
    await page.goto(`/r/${groupId}`);
    await expectText(page.locator('.seen'), 'Seen by everyone');
    await expectVisible(page.locator('app-system-line').filter({ hasText: 'You changed the topic to “Mock-ups, decisions and dates”' }));
    await audit.check(page, 'group conversation');
    const message = page.locator('app-message-item').filter({ hasText: 'Thanks both' });
    await message.hover();
    await audit.check(page, 'message actions', 'app-message-item:hover');

    // Pictures full size, and the room's files.
    const picture = page.getByRole('button', { name: 'Open mock-up-2.png' });
    await picture.scrollIntoViewIfNeeded();
    await picture.click();
    await expectVisible(dialog(page).getByRole('heading', { name: 'mock-up-2.png' }));
    await audit.check(page, 'lightbox', DIALOGS);
    await closeDialog(page);
    await page.getByRole('button', { name: 'Files', exact: true }).click();
    await expectCount(dialog(page).getByRole('list', { name: 'Files' }).getByRole('listitem'), 5);
    await audit.check(page, 'files panel', DIALOGS);
    await dialog(page).getByRole('button', { name: 'Documents' }).click();
    await expectCount(dialog(page).getByRole('list', { name: 'Documents' }).getByRole('listitem'), 1);
    await dialog(page).getByRole('button', { name: 'Videos' }).click();
    await expectText(dialog(page).getByRole('status'), 'No videos');
    await audit.check(page, 'files panel, nothing of a kind', DIALOGS);
    await closeDialog(page);

    // Files on their way: the tray above the composer (one refused for its size), and the drop zone.
    const big = makeBlob('too-big.bin', 6 * 1024 * 1024);
    await page.locator('app-composer input[type=file]').setInputFiles([
      { name: 'site-plan.pdf', mimeType: 'application/pdf', buffer: makePdf('site-plan.pdf', 'Plan').bytes },
      { name: 'photo.png', mimeType: 'image/png', buffer: (await makePicture('photo.png', 300, 200, 300)).bytes },
      { name: big.name, mimeType: big.type, buffer: big.bytes },
    ]);
    const tray = page.getByRole('list', { name: 'Files to send' });
    await eventually(async () => {
      const states = await tray.getByRole('listitem').evaluateAll((items) => items.map((i) => i.getAttribute('data-status')));
      expect(states).toEqual(['ready', 'ready', 'failed']);
    }, 15_000);
    await audit.check(page, 'files to send', 'app-room-page .below');
    for (const name of ['site-plan.pdf', 'photo.png', big.name]) await tray.getByRole('button', { name: `Remove ${name}` }).click();
    await expectHidden(tray);
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['x'], 'x.txt', { type: 'text/plain' }));
      document.querySelector('app-message-list')!.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: data }));
    });
    await expectVisible(page.getByText('Drop files to share them'));
    await audit.check(page, 'drop zone', 'app-room-page .drop-zone');
    await page.evaluate(() => document.querySelector('app-room-page')!.dispatchEvent(new DragEvent('dragleave', { bubbles: true })));
    await expectHidden(page.getByText('Drop files to share them'));

    await page.getByRole('button', { name: 'Room settings' }).click();
    await expectVisible(dialog(page).getByRole('list', { name: 'Pending invitations' }));
    await dialog(page).getByRole('button', { name: 'Create link' }).click();
    await expectVisible(dialog(page).getByRole('list', { name: 'Invite links' }));
    await audit.check(page, 'room settings', DIALOGS);
    await closeDialog(page);

    await page.locator('app-message-item .sender').first().click();
    await expectVisible(dialog(page).getByText(`@${bo.username}`));
    await audit.check(page, 'profile card', DIALOGS);
    await closeDialog(page);

    // A direct conversation with "Seen".
    await page.goto(`/r/${directId}`);
    await expectText(page.locator('.seen'), 'Seen');
    await audit.check(page, 'direct conversation');

    // The sidebar's dialogs (on a phone, the list on the home page has the same buttons).
    if (phone) await page.goto('/');
    const list = page.locator('app-room-list');
    await list.getByRole('button', { name: 'New message' }).click();
    await expectVisible(dialog(page).getByRole('button', { name: new RegExp(`Message ${bo.displayName}`) }));
    await audit.check(page, 'new message', DIALOGS);
    await closeDialog(page);
    await list.getByRole('button', { name: 'New room' }).click();
    await expectVisible(dialog(page).getByLabel('Name'));
    await audit.check(page, 'new room', DIALOGS);
    await closeDialog(page);
    await list.getByRole('button', { name: 'Browse rooms' }).click();
    await expectVisible(dialog(page).getByText('general'));
    await audit.check(page, 'browse rooms', DIALOGS);
    await closeDialog(page);
    // A new room with someone who can only be invited, and what the dialog says once it is made.
    await list.getByRole('button', { name: 'New room' }).click();
    await dialog(page).getByLabel('Name', { exact: true }).fill(`Launch ${where}`);
    await dialog(page).getByRole('searchbox', { name: 'Add people' }).fill(cy.username);
    await dialog(page).getByRole('button', { name: new RegExp(`^Invite ${cy.displayName}`) }).click();
    await expectVisible(dialog(page).getByText('will be invited'));
    await audit.check(page, 'new room with an invitee', DIALOGS);
    await dialog(page).getByRole('button', { name: 'Create room' }).click();
    await expectVisible(dialog(page).getByRole('button', { name: 'Open room' }));
    await audit.check(page, 'new room made, with an invitation', DIALOGS);
    await closeDialog(page);

    // Friends, tab by tab.
    await page.goto('/friends');
    await expectVisible(page.getByRole('list', { name: 'Your friends' }));
    await audit.check(page, 'friends');
    await page.getByRole('tab', { name: /^Requests/ }).click();
    await expectVisible(page.getByRole('list', { name: 'Requests received' }));
    await audit.check(page, 'friend requests');
    await page.getByRole('tab', { name: /^Find people/ }).click();
    await page.getByRole('tabpanel').getByLabel('Search people').fill(cy.username.slice(0, 2));
    await expectVisible(page.getByRole('list', { name: 'People found' }));
    await audit.check(page, 'find people');
    await page.getByRole('tab', { name: /^Blocked/ }).click();
    await expectVisible(page.getByRole('list', { name: 'Blocked users' }));
    await audit.check(page, 'blocked people');

    await page.goto('/profile');
    await expectVisible(page.getByRole('region', { name: 'Picture' }));
    await audit.check(page, 'profile');

    await page.goto('/admin');
    await expectText(page.locator('.count'), 'of 5');
    await audit.check(page, 'admin: people');
    await page.getByRole('button', { name: `Deactivate ${cy.username}` }).click();
    await expectVisible(page.getByRole('alertdialog', { name: `Deactivate ${cy.displayName}?` }));
    await audit.check(page, 'admin: deactivate?', DIALOGS);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expectHidden(page.getByRole('alertdialog'));

    await page.goto(`/invite/${inviteCode}`);
    await expectVisible(page.getByRole('button', { name: 'Join room' }));
    await audit.check(page, 'invite preview');
    session.expectHttpError(404, '/api/invites/not-a-code');
    await page.goto('/invite/not-a-code');
    await expectVisible(page.getByRole('heading', { name: "This invite link doesn't work" }));
    await audit.check(page, 'invite that does not work');

    audit.assertNone();
    await session.assertClean();
  }, SIGNED_IN_WALK_MS);
});
