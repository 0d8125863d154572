import { Browser, Page } from 'playwright-core';
import { RunningServer, startServer, withServer } from '@parley/testing';
import { newAccount, registerViaApi } from './support/accounts';
import { BrowserSession, DESKTOP, PHONE, launchBrowser } from './support/browser';
import { SlowUpgradeProxy } from './support/slow-upgrade-proxy';
import {
  expectAttribute,
  expectCount,
  expectFocused,
  expectHidden,
  expectPath,
  expectText,
  expectValue,
  expectVisible,
} from './support/ui-expect';

let server: RunningServer;
let browser: Browser;
let session: BrowserSession | undefined;
/** The first account on a server becomes its admin. */
const admin = newAccount('admin');

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  await registerViaApi(server.url, admin);
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function open(viewport = DESKTOP): Promise<BrowserSession> {
  session = await BrowserSession.open(browser, server.url, viewport);
  return session;
}

/** Matches an element whose whole text is this, and nothing more. */
const exactly = (text: string) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

function sidebar(page: Page) {
  return page.getByRole('complementary', { name: 'Sidebar' });
}

async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function logOut(page: Page): Promise<void> {
  await sidebar(page).getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL('**/login');
  await expectVisible(page.getByRole('heading', { name: 'Welcome back' }));
}

test('register, log out, log in by username, edit the profile, log in by email', async () => {
  const { page } = await open();
  const account = newAccount('ada');

  // A deep link while signed out goes to the sign-in page, which remembers where we wanted to go.
  await page.goto('/profile');
  await page.waitForURL('**/login?returnUrl=%2Fprofile');
  await expectVisible(page.getByRole('heading', { name: 'Welcome back' }));
  await session!.screenshot('desktop-login');

  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.waitForURL('**/register**');
  await page.getByLabel('Display name').fill(account.displayName);
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await session!.screenshot('desktop-register');
  await page.getByRole('button', { name: 'Create account' }).click();

  // Registered, signed in, and brought back to the page we first asked for.
  await page.waitForURL('**/profile');
  await expectVisible(sidebar(page).getByText(account.displayName));
  await expectCount(sidebar(page).getByRole('link', { name: 'Admin', exact: true }), 0);
  await sidebar(page).getByRole('link', { name: 'Chats', exact: true }).click();
  await expectVisible(page.getByRole('heading', { name: /Welcome to Parley/ }));
  // Every new account is in #general: the sidebar lists it.
  await expectVisible(sidebar(page).locator('app-room-list').getByRole('link', { name: /\bgeneral\b/ }));
  await session!.screenshot('desktop-shell');

  await logOut(page);
  // Signed out: the app is out of reach again.
  await page.goto('/');
  await page.waitForURL('**/login');

  await signIn(page, account.username, account.password);
  await page.waitForURL((url) => url.pathname === '/');
  await sidebar(page).getByRole('link', { name: 'Profile', exact: true }).click();
  await page.waitForURL('**/profile');

  const newName = `Ada Lovelace ${account.username.slice(-4)}`;
  const status = 'Computing the Bernoulli numbers';
  await page.getByLabel('Display name').fill(newName);
  await page.getByLabel('Status').fill(status);
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expectVisible(page.getByRole('status').filter({ hasText: 'Profile saved.' }));
  await expectVisible(sidebar(page).getByText(newName));
  await expectVisible(sidebar(page).getByText(status));
  await session!.screenshot('desktop-profile');

  // Saved on the server: a reload (which restores the session from the cookie) still shows it.
  await page.reload();
  await expectValue(page.getByLabel('Display name'), newName);
  await expectValue(page.getByLabel('Status'), status);
  await expectVisible(sidebar(page).getByText(newName));

  await logOut(page);
  await signIn(page, account.email, account.password);
  await page.waitForURL((url) => url.pathname === '/');
  await expectVisible(page.getByRole('heading', { name: 'Welcome to Parley, Ada' }));
  await expectVisible(sidebar(page).getByText(newName));

  await session!.assertClean();
});

test("register shows the API's field errors next to the fields", async () => {
  const { page } = await open();
  const taken = newAccount('taken');
  await registerViaApi(server.url, taken);
  const account = newAccount('grace');

  await page.goto('/register');
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Email').fill(account.email);

  // Long enough for the client-side check, but the server's strength estimator refuses it.
  session!.expectHttpError(400, '/api/auth/register');
  const password = page.getByLabel('Password', { exact: true });
  await password.fill('password123');
  await page.getByRole('button', { name: 'Create account' }).click();
  const passwordError = page.locator('#register-password-error');
  await expectText(passwordError, 'too easy to guess');
  await expectAttribute(password, 'aria-invalid', 'true');
  await expectAttribute(password, 'aria-describedby', /register-password-error/);
  await session!.screenshot('desktop-register-errors');

  // Editing the field clears its message; a taken username is reported next to the username.
  session!.expectHttpError(409, '/api/auth/register');
  await password.fill(account.password);
  await expectCount(passwordError, 0);
  const username = page.getByLabel('Username');
  await username.fill(taken.username);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectText(page.locator('#register-username-error'), 'That username is already taken');
  await expectAttribute(username, 'aria-invalid', 'true');
  await expectPath(page, '/register');

  // Client-side hints come first: a bad username never reaches the server.
  await username.fill('no spaces!');
  await username.blur();
  await expectText(page.locator('#register-username-error'), 'may contain only letters');

  await session!.assertClean();
});

test('login explains wrong credentials; an admin confirms a deactivation, which signs the person out and says why', async () => {
  const member = newAccount('member');
  await registerViaApi(server.url, member);
  const { page } = await open();
  // The member is signed in on another device.
  const memberDevice = await BrowserSession.open(browser, server.url, DESKTOP);
  try {
    await memberDevice.page.goto('/login');
    await signIn(memberDevice.page, member.username, member.password);
    await memberDevice.page.waitForURL((url) => url.pathname === '/');

    await page.goto('/login');
    session!.expectHttpError(401, '/api/auth/login');
    await signIn(page, member.username, 'not the right password at all');
    await expectText(page.getByRole('alert'), 'do not match');

    // The admin finds the member on the admin page; Deactivate asks first, naming them and saying what happens.
    await signIn(page, admin.username, admin.password);
    await page.waitForURL((url) => url.pathname === '/');
    await sidebar(page).getByRole('link', { name: 'Admin', exact: true }).click();
    await page.waitForURL('**/admin');
    await page.getByLabel('Search people').fill(member.username);
    const row = page.getByRole('row').filter({ hasText: member.username });
    const deactivate = row.getByRole('button', { name: `Deactivate ${member.username}` });
    await deactivate.click();
    const confirm = page.getByRole('alertdialog', { name: `Deactivate ${member.displayName}?` });
    await expectText(confirm, `${member.displayName} (@${member.username}) is signed out everywhere at once`);
    await expectText(confirm, 'Their access tokens stop working too.');
    await expectFocused(confirm.getByRole('button', { name: 'Cancel' }));
    await session!.screenshot('desktop-admin-confirm');
    // Thought better of it: nothing happens.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expectCount(page.getByRole('alertdialog'), 0);
    await expectVisible(row.getByText('Active', { exact: true }));
    await expectVisible(memberDevice.page.getByRole('heading', { name: /Welcome to Parley/ }));

    await deactivate.click();
    await confirm.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await expectVisible(row.getByText('Deactivated'));
    await session!.screenshot('desktop-admin');

    // The member's other device is signed out at once and told why.
    await memberDevice.page.waitForURL('**/login**');
    await expectText(memberDevice.page.getByRole('alert'), 'You have been signed out. This account has been deactivated.');
    await logOut(page);

    // Signing in again says so too, in place of a generic error.
    session!.expectHttpError(403, '/api/auth/login');
    await signIn(page, member.email, member.password);
    await expectText(page.getByRole('alert'), exactly('This account has been deactivated. Ask an admin of this server to reactivate it.'));
    await memberDevice.assertClean();
  } finally {
    await memberDevice.close();
  }
  await session!.assertClean();
});

test('refusing browser notifications says where they went instead of just dropping the button', async () => {
  const account = newAccount('nora');
  await registerViaApi(server.url, account);
  const { page } = await open();
  await page.goto('/login');
  await signIn(page, account.username, account.password);
  await page.waitForURL((url) => url.pathname === '/');

  // Headless Chromium answers the permission request with "denied", as a person clicking Block would.
  const enable = sidebar(page).getByRole('button', { name: 'Enable notifications' });
  await enable.click();
  await expectCount(enable, 0);
  // Said in the footer's live region (the sidebar has others, e.g. for answers to invitations).
  await expectText(sidebar(page).locator('.sidebar-footer').getByRole('status'), 'Notifications are blocked in your browser settings.');
  await session!.screenshot('desktop-notifications-blocked');

  await session!.assertClean();
});

test('phone width: the sidebar is a drawer opened by the menu button', async () => {
  const account = newAccount('phone');
  await registerViaApi(server.url, account);
  const { page } = await open(PHONE);

  await page.goto('/login');
  await expectVisible(page.getByRole('heading', { name: 'Welcome back' }));
  await session!.screenshot('phone-login');
  await signIn(page, account.username, account.password);
  await page.waitForURL((url) => url.pathname === '/');

  const menu = page.getByRole('button', { name: 'Open navigation' });
  await expectAttribute(menu, 'aria-expanded', 'false');
  await expectHidden(sidebar(page));
  await session!.screenshot('phone-shell');

  await menu.click();
  await expectAttribute(menu, 'aria-expanded', 'true');
  await expectVisible(sidebar(page));
  await expectVisible(sidebar(page).getByText(account.displayName));
  await page.waitForTimeout(300); // let the slide-in finish for the screenshot
  await session!.screenshot('phone-drawer');

  await sidebar(page).getByRole('button', { name: 'Close navigation' }).click();
  await expectAttribute(menu, 'aria-expanded', 'false');
  await expectHidden(sidebar(page));
  await expectFocused(menu);

  // Escape closes it too, and following a link closes it and navigates.
  await menu.click();
  await expectVisible(sidebar(page));
  await page.keyboard.press('Escape');
  await expectHidden(sidebar(page));

  await menu.click();
  await sidebar(page).getByRole('link', { name: 'Profile', exact: true }).click();
  await page.waitForURL('**/profile');
  await expectHidden(sidebar(page));
  await expectVisible(page.getByRole('heading', { name: 'Profile', level: 1 }));
  await session!.screenshot('phone-profile');

  await session!.assertClean();
});

test('a user signs out another device from the profile page', async () => {
  const account = newAccount('sam');
  await registerViaApi(server.url, account);
  const { page } = await open();
  const other = await BrowserSession.open(browser, server.url, DESKTOP);
  try {
    for (const p of [page, other.page]) {
      await p.goto('/login');
      await signIn(p, account.username, account.password);
      await p.waitForURL((url) => url.pathname === '/');
    }

    await page.goto('/profile');
    const list = page.getByRole('list', { name: 'Signed-in sessions' });
    await expectCount(list.getByRole('listitem'), 2);
    await expectCount(list.getByText('This device'), 1);
    await list.getByRole('button', { name: /^Sign out .* session$/ }).click();
    await expectCount(list.getByRole('listitem'), 1);

    // The other browser is signed out: its next page load lands on the sign-in page.
    await other.page.reload();
    await other.page.waitForURL('**/login**');
    await expectVisible(other.page.getByRole('heading', { name: 'Welcome back' }));
    await other.assertClean();
  } finally {
    await other.close();
  }
  await session!.assertClean();
});

test('signing out while the WebSocket upgrade is still under way closes it without a console warning', async () => {
  // The page connects by long-polling and then tries a WebSocket; this proxy holds that handshake back 1.5 s.
  const proxy = await SlowUpgradeProxy.start(server.url, 1_500);
  const account = newAccount('quick');
  await registerViaApi(server.url, account);
  const s = await BrowserSession.open(browser, proxy.url, DESKTOP);
  try {
    await s.page.goto('/login');
    const upgrade = s.page.waitForEvent('websocket', { predicate: (ws) => ws.url().includes('transport=websocket') });
    await signIn(s.page, account.username, account.password);
    const ws = await upgrade;
    const socketErrors: string[] = [];
    ws.on('socketerror', (error) => socketErrors.push(error));
    const closed = new Promise((resolve) => ws.on('close', resolve));
    expect(ws.isClosed()).toBe(false);
    await logOut(s.page);
    // The signed-out page's socket does not linger: it closes once the handshake has ended, and cleanly.
    await closed;
    expect(socketErrors).toEqual([]);
    // Chromium used to log "WebSocket is closed before the connection is established" here.
    await s.assertClean();
  } finally {
    await s.close();
    await proxy.close();
  }
});

test('a server with closed registration says so instead of offering a form', async () => {
  await withServer({ env: { REGISTRATION: 'closed' } }, async (closed) => {
    await registerViaApi(closed.url, newAccount('first'));
    const s = await BrowserSession.open(browser, closed.url, DESKTOP);
    try {
      await s.page.goto('/login');
      await expectVisible(s.page.getByText('New accounts are created by an admin of this server.'));
      await expectCount(s.page.getByRole('link', { name: 'Create an account' }), 0);
      await s.page.goto('/register');
      await expectVisible(s.page.getByText('Registration is closed on this server.'));
      await expectCount(s.page.getByRole('button', { name: 'Create account' }), 0);
      await s.assertClean();
    } finally {
      await s.close();
    }
  });
});
