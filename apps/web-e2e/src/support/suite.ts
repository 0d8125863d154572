import { RegisterRequest, SendFriendRequestResult } from '@parley/contracts';
import { RunningServer, startServer } from '@parley/testing';
import { Browser } from 'playwright-core';
import { newAccount, registerViaApi } from './accounts';
import { ApiClient } from './api-client';
import { BrowserSession, DESKTOP, launchBrowser } from './browser';

/**
 * One server and one browser for a test file: started before its tests (with an admin registered first, so
 * the people the tests make are ordinary members), stopped after them, and every browser session opened by a
 * test closed after that test. Call it at the top level of the file.
 */
export function browserSuite(env: Record<string, string> = {}) {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const sessions: BrowserSession[] = [];
  const admin = newAccount('admin');

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ env }), launchBrowser()]);
    await registerViaApi(server.url, admin);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
  });

  const suite = {
    get url(): string {
      return server!.url;
    },
    /** The server's admin (the first account registered). */
    get admin(): RegisterRequest {
      return admin;
    },
    get browser(): Browser {
      return browser!;
    },
    /** The server itself: its data directory and its output (logs), for checks of what it stored. */
    get server(): RunningServer {
      return server!;
    },
    /** A new browser session (closed after the test), not signed in. */
    async open(viewport = DESKTOP): Promise<BrowserSession> {
      const session = await BrowserSession.open(browser!, server!.url, viewport);
      sessions.push(session);
      return session;
    },
    /** A new browser session, signed in through the sign-in page. */
    async signedIn(account: RegisterRequest, viewport = DESKTOP): Promise<BrowserSession> {
      const session = await suite.open(viewport);
      const { page } = session;
      await page.goto('/login');
      await page.getByLabel('Username or email').fill(account.username);
      await page.getByLabel('Password', { exact: true }).fill(account.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => url.pathname === '/');
      return session;
    },
    /** New people with accounts, signed in through the API (their browsers come later, where needed). */
    async people(...prefixes: string[]): Promise<{ account: Required<RegisterRequest>; api: ApiClient }[]> {
      const accounts = prefixes.map((prefix) => newAccount(prefix));
      for (const account of accounts) await registerViaApi(server!.url, account);
      return Promise.all(accounts.map(async (account) => ({ account, api: await ApiClient.signIn(server!.url, account) })));
    },
    /** `a` asks `b` to be friends and `b` accepts. */
    async befriend(a: ApiClient, b: ApiClient): Promise<void> {
      const { request } = await a.call<SendFriendRequestResult>('POST', '/api/friends/requests', { userId: b.user.id });
      await b.call('POST', `/api/friends/requests/${request!.id}/accept`);
    },
  };
  return suite;
}
