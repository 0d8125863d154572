import { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { RoomSummary } from '@parley/contracts';
import { browserSuite } from './support/suite';
import { PHONE } from './support/browser';
import { composerBox, conversationLink, messageByText, messageRegion } from './support/chat-scene';
import { eventually, expectCount, expectHidden, expectText, expectVisible } from './support/ui-expect';

/**
 * What happens around the messages: membership and room changes as lines in the conversation, profiles that
 * change under everyone's eyes, and a blocked person's words kept out of the room list. The server runs with its
 * default DM_POLICY=friends, so people become friends before one adds the other.
 */

const suite = browserSuite();
const { signedIn, people, befriend: makeFriends } = suite;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The system lines of the conversation, by their words. */
const systemLine = (page: Page, text: string) => messageRegion(page).locator('app-system-line').filter({ hasText: text });
const preview = (link: Locator) => link.locator('.room-preview');
const unreadInTitle = async (page: Page) => /^\((\d+\+?)\)/.exec(await page.title())?.[1] ?? '';

/** The picture an <img> shows, if it has loaded one. */
async function loadedImageSrc(img: Locator): Promise<string | null> {
  return img.evaluate((el: HTMLImageElement) => (el.complete && el.naturalWidth > 0 ? el.getAttribute('src') : null));
}

/** Where two system lines and a message sit: in this order, top to bottom. */
async function topOf(locator: Locator): Promise<number> {
  const box = await locator.first().boundingBox();
  if (!box) throw new Error('not on screen');
  return box.y;
}

test('membership and room changes are quiet lines in the conversation, live and after a reload, and never count as unread', async () => {
  const [ada, bob, cara] = await people('ada', 'bob', 'cara');
  await makeFriends(ada.api, bob.api);
  await makeFriends(ada.api, cara.api);
  const room = await ada.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: `Prep ${ada.account.username.slice(-5)}`, memberIds: [cara.api.user.id] });
  const adaName = ada.account.displayName;
  const bobName = bob.account.displayName;
  const caraName = cara.account.displayName;

  const adaSession = await signedIn(ada.account);
  const bobSession = await signedIn(bob.account, PHONE);
  const [adaPage, bobPage] = [adaSession.page, bobSession.page];
  await conversationLink(adaPage, room.name).click();
  await expectVisible(composerBox(adaPage));

  // Ada adds Bob: she sees it in her conversation at once, from her side.
  await ada.api.call('POST', `/api/rooms/${room.id}/members`, { userId: bob.api.user.id });
  await expectVisible(systemLine(adaPage, `You added ${bobName}`));
  // Bob, on his phone's list, gets the room with the line as its preview, told from his side, and nothing unread.
  const bobLink = conversationLink(bobPage, escapeRegExp(room.name));
  await expectText(preview(bobLink), `${adaName} added you`);
  await bobPage.waitForTimeout(300);
  await expectCount(bobLink.getByText(/unread message/), 0);
  expect(await unreadInTitle(bobPage)).toBe('');

  // Ada writes: that one is unread for Bob, and only that one.
  await composerBox(adaPage).fill('Welcome aboard');
  await composerBox(adaPage).press('Enter');
  await expectVisible(bobLink.getByText('1 unread message'));
  await eventually(async () => expect(await unreadInTitle(bobPage)).toBe('1'));
  await expectText(preview(bobLink), `${adaName}: Welcome aboard`);
  await bobSession.screenshot('room-events-phone-list');

  // Bob opens it: the line that added him, then "New messages" above Ada's message (a system line is never unread).
  await bobLink.click();
  const added = systemLine(bobPage, `${adaName} added you`);
  const welcome = messageByText(bobPage, 'Welcome aboard');
  const newMessages = messageRegion(bobPage).getByRole('separator', { name: 'New messages' });
  await expectVisible(welcome);
  await expectVisible(added);
  await expectVisible(newMessages);
  expect(await topOf(added)).toBeLessThan(await topOf(newMessages));
  expect(await topOf(newMessages)).toBeLessThan(await topOf(welcome));
  await eventually(async () => expect(await unreadInTitle(bobPage)).toBe(''));

  // Cara leaves and Ada renames the room: both see it happen.
  await cara.api.call('POST', `/api/rooms/${room.id}/leave`);
  await expectVisible(systemLine(adaPage, `${caraName} left`));
  await expectVisible(systemLine(bobPage, `${caraName} left`));
  await ada.api.call('PATCH', `/api/rooms/${room.id}`, { name: 'Liftoff' });
  await expectVisible(systemLine(adaPage, 'You renamed the room to “Liftoff”'));
  await expectVisible(systemLine(bobPage, `${adaName} renamed the room to “Liftoff”`));

  // A line is not a message: no bubble, no avatar, no actions; it has its time; "Seen" stays under Ada's message.
  const left = systemLine(adaPage, `${caraName} left`);
  await left.hover();
  await expectCount(left.getByRole('button'), 0);
  await expectCount(left.locator('app-avatar'), 0);
  expect(await left.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
  await expectText(messageByText(adaPage, 'Welcome aboard').locator('.seen'), `Seen by ${bobName}`);
  await adaSession.screenshot('room-events-desktop-lines');
  await bobSession.screenshot('room-events-phone-lines');

  // After a reload the lines are still there, from history.
  for (const page of [adaPage, bobPage]) await page.reload();
  for (const text of [`You added ${bobName}`, `${caraName} left`, 'You renamed the room to “Liftoff”']) await expectVisible(systemLine(adaPage, text));
  for (const text of [`${adaName} added you`, `${caraName} left`, `${adaName} renamed the room to “Liftoff”`]) await expectVisible(systemLine(bobPage, text));
  await expectCount(messageRegion(bobPage).locator('app-system-line'), 3);

  await adaSession.assertClean();
  await bobSession.assertClean();
});

test('a new name and picture reach the others at once: their room list, the conversation and an open profile card', async () => {
  const [ada, bob] = await people('ada', 'bob');
  await makeFriends(ada.api, bob.api);
  const direct = await ada.api.call<RoomSummary>('POST', '/api/rooms/direct', { userId: bob.api.user.id });
  await ada.api.send(direct.id, 'Hi Bob');
  const group = await ada.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: `Crew ${ada.account.username.slice(-5)}`, memberIds: [bob.api.user.id] });
  await ada.api.send(group.id, 'Group hello');

  const bobSession = await signedIn(bob.account);
  const page = bobSession.page;
  await conversationLink(page, escapeRegExp(group.name)).click();
  const hello = messageByText(page, 'Group hello');
  await expectText(hello.locator('.sender'), ada.account.displayName);

  // Bob has Ada's profile card open when she changes her name and picture.
  await hello.locator('.sender').click();
  const card = page.getByRole('dialog');
  await expectText(card.locator('h2'), ada.account.displayName);

  const newName = `Ada Renamed ${ada.account.username.slice(-4)}`;
  await ada.api.call('PATCH', '/api/users/me', { displayName: newName });
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#0ea5e9' } }).png().toBuffer();
  const picture = (await ada.api.uploadAvatar(png)).avatarUrl;

  await expectText(card.locator('h2'), newName);
  await eventually(async () => expect(await loadedImageSrc(card.locator('app-avatar img'))).toBe(picture));
  await bobSession.screenshot('room-events-desktop-live-profile-card');
  await page.keyboard.press('Escape');
  await expectHidden(card);

  // The conversation: her name over her message, her new picture beside it.
  await expectText(hello.locator('.sender'), newName);
  await eventually(async () => expect(await loadedImageSrc(hello.locator('.sender-avatar img'))).toBe(picture));
  // The room list: the direct room is named after her and shows her picture; the group's preview names her anew.
  const directLink = page.getByRole('list', { name: 'Conversations' }).getByRole('link').filter({ has: page.locator('.room-name', { hasText: newName }) });
  await expectText(directLink.locator('.room-name'), newName);
  await eventually(async () => expect(await loadedImageSrc(directLink.locator('app-avatar img'))).toBe(picture));
  await expectText(preview(conversationLink(page, escapeRegExp(group.name))), `${newName}: Group hello`);
  await bobSession.screenshot('room-events-desktop-live-profile');

  await bobSession.assertClean();
});

test('a blocked person\'s words stay out of the room list: no preview, no unread badge, no count in the tab title', async () => {
  const [ada, bob, cara] = await people('ada', 'bob', 'cara');
  await makeFriends(ada.api, bob.api);
  await makeFriends(cara.api, ada.api);
  await makeFriends(cara.api, bob.api);
  const room = await cara.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: `Plans ${cara.account.username.slice(-5)}`, memberIds: [ada.api.user.id, bob.api.user.id] });
  const bobName = bob.account.displayName;

  const adaSession = await signedIn(ada.account);
  const page = adaSession.page;
  await page.goto('/friends');
  const link = conversationLink(page, escapeRegExp(room.name));
  await expectVisible(link);

  // Bob writes; Ada sees it in her list, counted.
  await bob.api.send(room.id, 'Before the block');
  await expectText(preview(link), `${bobName}: Before the block`);
  await expectVisible(link.getByText('1 unread message'));
  await eventually(async () => expect(await unreadInTitle(page)).toBe('1'));

  // Ada blocks him from her friends list: his words leave the list, and so do the badge and the count.
  const friends = page.getByRole('list', { name: 'Your friends' });
  await friends.getByRole('button', { name: `Block ${bobName}` }).click();
  await friends.getByRole('group', { name: `Block ${bobName}?` }).getByRole('button', { name: 'Block', exact: true }).click();
  await expectText(preview(link), 'Message from someone you blocked');
  await expectCount(link.getByText(/unread message/), 0);
  await eventually(async () => expect(await unreadInTitle(page)).toBe(''));

  // He writes again: nothing of it shows or counts.
  await bob.api.send(room.id, 'SECRET plans for Friday');
  await eventually(async () => expect(await page.locator('app-room-list').textContent()).not.toContain('SECRET'));
  await page.waitForTimeout(500);
  expect(await page.locator('app-room-list').textContent()).not.toContain('SECRET');
  await expectText(preview(link), 'Message from someone you blocked');
  await expectCount(link.getByText(/unread message/), 0);
  expect(await unreadInTitle(page)).toBe('');
  await adaSession.screenshot('room-events-desktop-blocked-preview');

  // Cara still counts.
  await cara.api.send(room.id, 'Cara checking in');
  await expectText(preview(link), `${cara.account.displayName}: Cara checking in`);
  await expectVisible(link.getByText('1 unread message'));
  await eventually(async () => expect(await unreadInTitle(page)).toBe('1'));

  // Unblocked, Bob's new words show and count again.
  await page.getByRole('tab', { name: /^Blocked/ }).click();
  await page.getByRole('list', { name: 'Blocked users' }).getByRole('button', { name: `Unblock ${bobName}` }).click();
  await bob.api.send(room.id, 'After the unblock');
  await expectText(preview(link), `${bobName}: After the unblock`);
  // (His earlier messages count again too, as the server counts them: four unread in all.)
  await expectVisible(link.getByText('4 unread messages'));

  await adaSession.assertClean();
});
