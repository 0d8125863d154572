import { Browser } from 'playwright-core';
import { RunningServer, startServer } from '@parley/testing';
import { newAccount, registerViaApi } from './support/accounts';
import { BrowserSession, DESKTOP, launchBrowser } from './support/browser';
import { expectVisible } from './support/ui-expect';

let server: RunningServer;
let browser: Browser;
let session: BrowserSession | undefined;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

afterEach(async () => {
  await session?.close();
  session = undefined;
});

/**
 * Someone signed in to the web app opens the API docs in the same browser: "Try it out" sends the session
 * cookie, so a write must carry the CSRF header too, or it fails with 403 csrf_failed.
 */
test('Swagger UI "Try it out" can write with the web app\'s session cookie', async () => {
  const account = newAccount('docs');
  await registerViaApi(server.url, account);
  session = await BrowserSession.open(browser, server.url, DESKTOP);
  const { page } = session;

  await page.goto('/login');
  await page.getByLabel('Username or email').fill(account.username);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));

  await page.goto('/api/docs');
  const operation = page.locator('#operations-auth-accessTokens_create');
  await operation.locator('.opblock-summary').click();
  await operation.getByRole('button', { name: 'Try it out' }).click();
  await operation.locator('textarea.body-param__text').fill(JSON.stringify({ name: 'made in the docs' }));
  await operation.getByRole('button', { name: 'Execute' }).click();

  const status = operation.locator('.live-responses-table .response .response-col_status');
  await expectVisible(status);
  await expect(status.textContent()).resolves.toMatch(/^\s*201/);

  // The token exists: the write went through as the signed-in user.
  const tokens = await page.evaluate(async () => (await fetch('/api/auth/tokens')).json());
  expect(tokens).toEqual([expect.objectContaining({ name: 'made in the docs' })]);
  await session.assertClean();
});
