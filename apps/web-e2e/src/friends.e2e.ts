import { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import {
  CSRF_COOKIE,
  CSRF_HEADER,
  CurrentUser,
  GENERAL_ROOM_SLUG,
  Page as ResultPage,
  PublicUser,
  RoomSummary,
  SendFriendRequestResult,
} from '@parley/contracts';
import { browserSuite } from './support/suite';
import { newAccount, registerViaApi } from './support/accounts';
import { BrowserSession, PHONE } from './support/browser';
import { eventually, expectCount, expectPath, expectText, expectVisible } from './support/ui-expect';

const suite = browserSuite();
const { signedIn } = suite;

/** Calls the API with the browser's session cookie (and its CSRF token), as the web app does. */
async function api<T>(session: BrowserSession, method: 'GET' | 'POST', path: string, data?: unknown): Promise<T> {
  const cookies = await session.context.cookies();
  const csrf = cookies.find((c) => c.name === CSRF_COOKIE)?.value ?? '';
  const res = await session.context.request.fetch(`${suite.url}${path}`, { method, data, headers: { [CSRF_HEADER]: csrf } });
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

const tab = (page: Page, name: string) => page.getByRole('tablist', { name: 'Friends' }).getByRole('tab', { name: new RegExp(`^${name}`) });
const panel = (page: Page) => page.getByRole('tabpanel');
/** The row of one person in a list of the friends page. */
const personRow = (list: Locator, displayName: string) => list.locator('app-person-row').filter({ hasText: displayName });
const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Sidebar' });
const messages = (page: Page) => page.getByRole('region', { name: 'Messages' });
const composer = (page: Page) => page.getByLabel('Message', { exact: true });
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Matches an element whose whole text is this, and nothing more (around the element's whitespace). */
const exactly = (text: string) => new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`);

/** Images inside that failed to load (the browser draws their alt text instead). */
async function brokenImages(within: Locator): Promise<number> {
  return within.locator('img').evaluateAll((imgs: HTMLImageElement[]) => imgs.filter((img) => img.complete && img.naturalWidth === 0).length);
}

/** The picture an <img> shows, if it has loaded one (naturalWidth > 0). */
async function loadedImageSrc(img: Locator): Promise<string | null> {
  return img.evaluate((el: HTMLImageElement) => (el.complete && el.naturalWidth > 0 ? el.getAttribute('src') : null));
}

test('two people become friends live, start a direct conversation, and one sees the picture the other uploads', async () => {
  const anaAccount = newAccount('ana');
  // A name that ends with its own full stop: sentences about him must not end in "..".
  const boAccount = { ...newAccount('bo'), displayName: `Bo ${Date.now().toString(36)} B.` };
  await Promise.all([registerViaApi(suite.url, anaAccount), registerViaApi(suite.url, boAccount)]);
  const ana = await signedIn(anaAccount);
  const bo = await signedIn(boAccount);

  // Bo waits on his requests; Ana finds him in the directory by his full email address.
  await bo.page.goto('/friends?tab=requests');
  await expectText(panel(bo.page), 'No requests waiting for you.');
  await ana.page.goto('/friends');
  await expectVisible(ana.page.getByRole('heading', { name: 'Friends', level: 1 }));
  await expectText(panel(ana.page), 'No friends yet.');
  await tab(ana.page, 'Find people').click();
  await expectPath(ana.page, '/friends');
  expect(new URL(ana.page.url()).searchParams.get('tab')).toBe('find');
  // The field says how the directory matches, in the same words as its hint.
  const search = panel(ana.page).getByLabel('Search people');
  expect(await search.getAttribute('placeholder')).toBe('Name, username or full email address');
  await expectText(panel(ana.page).locator(`#${await search.getAttribute('aria-describedby')}`), 'Part of a name or username, or a complete email address.');
  await search.fill(boAccount.email);
  const found = ana.page.getByRole('list', { name: 'People found' });
  await expectCount(found.locator('app-person-row'), 1);
  await found.getByRole('button', { name: `Add friend ${boAccount.displayName}` }).click();
  await expectText(found.getByRole('status'), exactly(`Friend request sent to ${boAccount.displayName}`));
  await expectVisible(found.getByRole('button', { name: `Cancel friend request to ${boAccount.displayName}` }));
  await ana.screenshot('friends-find-people');

  // Bo sees the request arrive without reloading, with the count on the tab.
  const received = bo.page.getByRole('list', { name: 'Requests received' });
  await expectVisible(personRow(received, anaAccount.displayName));
  await expectText(tab(bo.page, 'Requests'), '1');
  await bo.screenshot('friends-request-received');

  // Bo accepts: on Ana's side the row turns into a friend's at once, and the notice about her request goes.
  await received.getByRole('button', { name: `Accept friend request from ${anaAccount.displayName}` }).click();
  await expectText(panel(bo.page), 'No requests waiting for you.');
  await expectVisible(found.getByRole('button', { name: `Message ${boAccount.displayName}` }));
  await expectCount(found.getByText('Friend request sent to'), 0);
  await tab(ana.page, 'Friends').click();
  const boRow = personRow(ana.page.getByRole('list', { name: 'Your friends' }), boAccount.displayName);
  await expectVisible(boRow);
  await expectText(boRow.locator('.person-meta').first(), /Online|Away/);
  await expectText(tab(ana.page, 'Friends'), '1');

  // Bo messages his new friend straight from his list and lands in the direct room (no console warning on the way).
  await tab(bo.page, 'Friends').click();
  const anaFriendRow = personRow(bo.page.getByRole('list', { name: 'Your friends' }), anaAccount.displayName);
  await anaFriendRow.getByRole('button', { name: `Message ${anaAccount.displayName}` }).click();
  await bo.page.waitForURL('**/r/*');
  await expectVisible(bo.page.getByRole('heading', { name: anaAccount.displayName, level: 1 }));
  await composer(bo.page).fill('Hi Ana, friends now!');
  await composer(bo.page).press('Enter');
  const conversation = sidebar(ana.page).getByRole('list', { name: 'Conversations' }).getByRole('link', { name: new RegExp(escapeRegExp(boAccount.displayName)) });
  await conversation.click();
  await expectVisible(messages(ana.page).locator('app-message-item').filter({ hasText: 'Hi Ana, friends now!' }));

  // Ana has no picture yet: her initials stand in, and there is nothing to remove.
  await ana.page.goto('/profile');
  const picture = ana.page.getByRole('region', { name: 'Picture' });
  const removePicture = picture.getByRole('button', { name: 'Remove picture' });
  await eventually(async () => expect(await loadedImageSrc(picture.getByRole('img', { name: 'Your current picture' }))).toMatch(/avatar\?v=/));
  expect(await removePicture.isDisabled()).toBe(true);

  // Something that is not an image: the preview shows a placeholder, not a broken image with its alt text
  // spilling over the circle, and the server refuses it with its reason...
  const fileInput = picture.getByLabel('Choose a picture…');
  ana.expectHttpError(400, '/api/users/me/avatar');
  await fileInput.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just some text, not a picture') });
  await expectText(picture, 'Your browser cannot show notes.png');
  expect(await brokenImages(picture.locator('.preview'))).toBe(0);
  await picture.getByRole('button', { name: 'Upload picture' }).click();
  await expectText(picture.getByRole('alert'), 'not a PNG, JPEG, GIF or WebP image');

  // ...a real one is previewed before it is sent, then uploaded.
  await picture.getByRole('button', { name: 'Cancel' }).click();
  const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#e11d48' } }).png().toBuffer();
  await fileInput.setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
  const preview = picture.getByRole('img', { name: 'Preview of your new picture' });
  await eventually(async () => expect(await loadedImageSrc(preview)).toMatch(/^blob:/));
  await picture.getByRole('button', { name: 'Upload picture' }).click();
  await expectText(picture.getByRole('status'), 'Picture saved.');
  const me = await api<CurrentUser>(ana, 'GET', '/api/users/me');
  expect(me.avatarUrl).toMatch(new RegExp(`^/api/users/${me.id}/avatar\\?v=`));
  await eventually(async () => expect(await loadedImageSrc(picture.getByRole('img', { name: 'Your current picture' }))).toBe(me.avatarUrl));
  // The profile header shows it too; now it can be removed.
  await eventually(async () => expect(await loadedImageSrc(ana.page.locator('app-profile-form app-avatar img'))).toBe(me.avatarUrl));
  expect(await removePicture.isDisabled()).toBe(false);
  await ana.screenshot('profile-picture');

  // Bo opens his friends: Ana's new picture is there, and on her profile card.
  await bo.page.goto('/friends');
  const anaRow = personRow(bo.page.getByRole('list', { name: 'Your friends' }), anaAccount.displayName);
  await eventually(async () => expect(await loadedImageSrc(anaRow.locator('app-avatar img'))).toBe(me.avatarUrl), 10_000);
  await anaRow.getByRole('button', { name: `View profile of ${anaAccount.displayName}` }).click();
  const card = bo.page.getByRole('dialog', { name: anaAccount.displayName });
  await expectText(card, `@${anaAccount.username}`);
  await eventually(async () => expect(await loadedImageSrc(card.locator('app-avatar img'))).toBe(me.avatarUrl), 10_000);
  await expectVisible(card.getByRole('button', { name: `Message ${anaAccount.displayName}` }));
  await bo.screenshot('friends-user-card');

  await ana.assertClean();
  await bo.assertClean();
});

test('blocking from the directory ends the friendship for both at once; unblocking is on the Blocked tab', async () => {
  const anaAccount = newAccount('ana');
  const boAccount = newAccount('bo');
  await Promise.all([registerViaApi(suite.url, anaAccount), registerViaApi(suite.url, boAccount)]);
  const ana = await signedIn(anaAccount);
  // Bo is on a phone.
  const bo = await signedIn(boAccount, PHONE);
  // Ana asks through the API, to set the scene; Bo accepts in the page.
  const boUser = (await api<ResultPage<PublicUser>>(ana, 'GET', `/api/users?q=${boAccount.username}`)).items[0]!;
  await api<SendFriendRequestResult>(ana, 'POST', '/api/friends/requests', { userId: boUser.id });
  await bo.page.goto('/friends?tab=requests');
  await personRow(bo.page.getByRole('list', { name: 'Requests received' }), anaAccount.displayName)
    .getByRole('button', { name: `Accept friend request from ${anaAccount.displayName}` })
    .click();
  await tab(bo.page, 'Friends').click();
  await expectVisible(personRow(bo.page.getByRole('list', { name: 'Your friends' }), anaAccount.displayName));
  await bo.screenshot('friends-phone');

  // Ana blocks Bo from the directory (asked to confirm first).
  await ana.page.goto('/friends?tab=find');
  await panel(ana.page).getByLabel('Search people').fill(boAccount.username);
  const found = ana.page.getByRole('list', { name: 'People found' });
  await found.getByRole('button', { name: `Block ${boAccount.displayName}` }).click();
  const confirm = found.getByRole('group', { name: `Block ${boAccount.displayName}?` });
  await confirm.getByRole('button', { name: 'Block', exact: true }).click();
  await expectText(found.getByRole('status'), `${boAccount.displayName} is blocked.`);
  await expectVisible(found.getByRole('button', { name: `Unblock ${boAccount.displayName}` }));

  // Bo's list loses her at once.
  await expectText(panel(bo.page), 'No friends yet.');

  // Ana finds him on her Blocked tab and unblocks him; the friendship does not come back.
  await tab(ana.page, 'Blocked').click();
  const blocked = ana.page.getByRole('list', { name: 'Blocked users' });
  await blocked.getByRole('button', { name: `Unblock ${boAccount.displayName}` }).click();
  await expectText(panel(ana.page), 'You have not blocked anyone.');
  await tab(ana.page, 'Friends').click();
  await expectText(panel(ana.page), 'No friends yet.');

  await ana.assertClean();
  await bo.assertClean();
});


test('the chat collapses messages from blocked people; names open profile cards; the Friends link counts requests', async () => {
  const anaAccount = newAccount('ana');
  const boAccount = newAccount('bo');
  await Promise.all([registerViaApi(suite.url, anaAccount), registerViaApi(suite.url, boAccount)]);
  const ana = await signedIn(anaAccount);
  const bo = await signedIn(boAccount);
  const anaUser = (await api<ResultPage<PublicUser>>(bo, 'GET', `/api/users?q=${anaAccount.username}`)).items[0]!;
  const boUser = (await api<ResultPage<PublicUser>>(ana, 'GET', `/api/users?q=${boAccount.username}`)).items[0]!;
  const general = (await api<RoomSummary[]>(bo, 'GET', '/api/rooms')).find((r) => r.slug === GENERAL_ROOM_SLUG)!;
  const hello = `Hello from ${boAccount.username}`;
  await api(bo, 'POST', `/api/rooms/${general.id}/messages`, { body: hello, clientMsgId: `hello-${boAccount.username}` });

  // Bo asks Ana to be friends: her Friends link counts the request.
  await api<SendFriendRequestResult>(bo, 'POST', '/api/friends/requests', { userId: anaUser.id });
  await expectText(sidebar(ana.page).getByRole('link', { name: /^Friends/ }), '1');

  // Ana blocks him; from the next start of the app his messages in #general are collapsed, one at a time shown.
  await api(ana, 'POST', `/api/blocks/${boUser.id}`);
  await ana.page.goto(`/r/${general.id}`);
  await expectCount(sidebar(ana.page).getByRole('link', { name: /^Friends/ }).locator('.nav-badge'), 0);
  const row = messages(ana.page).locator('app-message-item').filter({ hasText: 'Message from a blocked user' });
  await expectVisible(row);
  await expectCount(messages(ana.page).getByText(hello), 0);
  await row.getByRole('button', { name: 'Show', exact: true }).click();
  await expectVisible(messages(ana.page).getByText(hello));

  // His name opens his profile card.
  await messages(ana.page).getByRole('button', { name: `View profile of ${boAccount.displayName}` }).click();
  const card = ana.page.getByRole('dialog');
  await expectVisible(card.getByRole('heading', { name: boAccount.displayName }));
  await card.getByRole('button', { name: 'Close' }).first().click();
  await expectCount(ana.page.getByRole('dialog'), 0);

  await ana.assertClean();
  await bo.assertClean();
});
