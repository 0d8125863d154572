import { Locator, Page } from 'playwright-core';
import { RegisterRequest, SendFriendRequestResult } from '@parley/contracts';
import { browserSuite } from './support/suite';
import { newAccount, registerViaApi } from './support/accounts';
import { ApiClient } from './support/api-client';
import { expectCount, expectText, expectVisible } from './support/ui-expect';

/**
 * On a server with DM_POLICY=friends (the default) only friends may talk directly. Every place that offers a
 * conversation offers it only where the server would open it, and otherwise the step towards it: add a
 * friend, accept their request, or says why not. Nothing ends in a refused (403) request.
 */

const suite = browserSuite();
const { signedIn } = suite;

async function person(prefix: string): Promise<{ account: Required<RegisterRequest>; api: ApiClient }> {
  const account = newAccount(prefix);
  await registerViaApi(suite.url, account);
  return { account, api: await ApiClient.signIn(suite.url, account) };
}

/** The search results of the "New message" dialog, after looking for one person. */
async function find(page: Page, account: RegisterRequest): Promise<Locator> {
  const dialog = page.getByRole('dialog', { name: 'New message' });
  await dialog.getByRole('searchbox', { name: 'To' }).fill(account.username);
  const results = dialog.getByRole('list', { name: 'To: results' });
  await expectText(results, `@${account.username}`);
  await expectCount(results.getByRole('listitem'), 1);
  return results;
}

test('"New message" offers a conversation only with friends: Add friend, Accept request or Blocked for the others', async () => {
  const [ana, bo, cy, dee, eve] = await Promise.all([person('ana'), person('bo'), person('cy'), person('dee'), person('eve')]);
  const asked = await ana.api.call<SendFriendRequestResult>('POST', '/api/friends/requests', { userId: bo.api.user.id });
  await bo.api.call('POST', `/api/friends/requests/${asked.request!.id}/accept`);
  await dee.api.call('POST', '/api/friends/requests', { userId: ana.api.user.id });
  await ana.api.call('POST', `/api/blocks/${eve.api.user.id}`);
  const session = await signedIn(ana.account);
  const { page } = session;
  await page.locator('app-room-list').getByRole('button', { name: 'New message' }).click();

  // A friend: Message.
  let results = await find(page, bo.account);
  await expectVisible(results.getByRole('button', { name: new RegExp(`^Message ${bo.account.displayName}`) }));

  // Someone who asked Ana: accept first (no conversation yet).
  results = await find(page, dee.account);
  await expectText(results, 'They asked to be your friend: accept to message each other.');
  await expectCount(results.getByRole('button', { name: /^Message / }), 0);
  await expectVisible(results.getByRole('button', { name: `Accept request from ${dee.account.displayName}` }));

  // Someone Ana blocked: nothing to do here.
  results = await find(page, eve.account);
  await expectText(results, 'Blocked');
  await expectCount(results.getByRole('button'), 0);

  // A stranger: Add friend instead of a conversation the server would refuse.
  results = await find(page, cy.account);
  await expectText(results, 'Add them as a friend to message each other.');
  await expectCount(results.getByRole('button', { name: /^Message / }), 0);
  await session.screenshot('new-message-stranger');
  await results.getByRole('button', { name: `Add friend ${cy.account.displayName}` }).click();
  await expectText(results, 'Request sent');

  // Cy accepts (elsewhere): the row turns into a conversation at once, which opens.
  const { incoming } = await cy.api.call<{ incoming: { id: string }[] }>('GET', '/api/friends/requests');
  await cy.api.call('POST', `/api/friends/requests/${incoming[0]!.id}/accept`);
  await results.getByRole('button', { name: new RegExp(`^Message ${cy.account.displayName}`) }).click();
  await page.waitForURL('**/r/**');
  await expectVisible(page.getByRole('heading', { name: cy.account.displayName, level: 1 }));

  await session.assertClean();
});

test('profile cards and the directory show Message only for people the server lets you message', async () => {
  const [ana, bo, fay] = await Promise.all([person('ana'), person('bo'), person('fay')]);
  const asked = await ana.api.call<SendFriendRequestResult>('POST', '/api/friends/requests', { userId: bo.api.user.id });
  await bo.api.call('POST', `/api/friends/requests/${asked.request!.id}/accept`);
  const session = await signedIn(ana.account);
  const { page } = session;

  // In the directory, a stranger has Add friend and Block, no Message; a friend has Message.
  await page.goto('/friends?tab=find');
  const search = page.getByRole('tabpanel').getByLabel('Search people');
  await search.fill(fay.account.username);
  const found = page.getByRole('list', { name: 'People found' });
  await expectVisible(found.getByRole('button', { name: `Add friend ${fay.account.displayName}` }));
  await expectVisible(found.getByRole('button', { name: `Block ${fay.account.displayName}` }));
  await expectCount(found.getByRole('button', { name: `Message ${fay.account.displayName}` }), 0);

  // Her profile card says the same.
  await found.getByRole('button', { name: `View profile of ${fay.account.displayName}` }).click();
  const card = page.getByRole('dialog', { name: fay.account.displayName });
  await expectVisible(card.getByRole('button', { name: `Add friend ${fay.account.displayName}` }));
  await expectCount(card.getByRole('button', { name: `Message ${fay.account.displayName}` }), 0);
  await session.screenshot('profile-card-stranger');
  await page.keyboard.press('Escape');

  await search.fill(bo.account.username);
  await found.getByRole('button', { name: `Message ${bo.account.displayName}` }).click();
  await page.waitForURL('**/r/**');
  await expectVisible(page.getByRole('heading', { name: bo.account.displayName, level: 1 }));

  await session.assertClean();
});
