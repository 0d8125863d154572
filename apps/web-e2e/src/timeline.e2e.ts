import { randomUUID } from 'node:crypto';
import { Page } from 'playwright-core';
import { RegisterRequest, RoomSummary } from '@parley/contracts';
import { newAccount, registerViaApi } from './support/accounts';
import { browserSuite } from './support/suite';
import { DESKTOP, PHONE } from './support/browser';
import { ApiUser, composerBox, conversationLink, distanceFromBottom, exactly, messageByText, messageRegion, rest, seedMessages, signInViaApi } from './support/chat-scene';
import { eventually, expectAttribute, expectHidden, expectVisible } from './support/ui-expect';

// Seeding a long history sends faster than a person may; rooms here take anyone in (no friendship first).
const suite = browserSuite({ SOCKET_SEND_RATE_PER_SECOND: '10000', SOCKET_SEND_BURST: '10000', DM_POLICY: 'anyone' });
const { signedIn } = suite;

/** Two people in a fresh group room, both signed in through the API. */
async function groupOfTwo(name: string): Promise<{ ana: RegisterRequest; bo: RegisterRequest; anaApi: ApiUser; boApi: ApiUser; room: RoomSummary }> {
  const ana = newAccount('ana');
  const bo = newAccount('bo');
  await Promise.all([registerViaApi(suite.url, ana), registerViaApi(suite.url, bo)]);
  const [anaApi, boApi] = await Promise.all([signInViaApi(suite.url, ana), signInViaApi(suite.url, bo)]);
  const room = await rest<RoomSummary>(suite.url, anaApi, 'POST', '/api/rooms', { kind: 'group', name: `${name} ${ana.username.slice(-5)}`, memberIds: [boApi.id] });
  return { ana, bo, anaApi, boApi, room };
}

/** The bottom of the last message and the top of the composer, in page coordinates. */
async function lastMessageAndComposer(page: Page): Promise<{ lastBottom: number; listBottom: number; composerTop: number }> {
  const last = messageRegion(page).locator('app-message-item').last();
  const [box, list, composer] = await Promise.all([last.boundingBox(), messageRegion(page).boundingBox(), page.locator('app-composer').boundingBox()]);
  if (!box || !list || !composer) throw new Error('nothing to measure');
  return { lastBottom: box.y + box.height, listBottom: list.y + list.height, composerTop: composer.y };
}

async function expectPinnedToBottom(page: Page): Promise<void> {
  await eventually(async () => {
    expect(await distanceFromBottom(page)).toBeLessThanOrEqual(2);
    const { lastBottom, listBottom, composerTop } = await lastMessageAndComposer(page);
    // The last message ends just above the bottom of the list, which ends above the composer.
    expect(lastBottom).toBeLessThanOrEqual(listBottom + 1);
    expect(listBottom - lastBottom).toBeLessThan(24);
    expect(listBottom).toBeLessThanOrEqual(composerTop + 1);
  });
}

for (const [label, viewport] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const) {
  test(`${label}: after the connection comes back, the conversation stays pinned to its last message`, async () => {
    const { ana, anaApi, boApi, room } = await groupOfTwo('Tunnel');
    await seedMessages(suite.url, boApi, room.id, 'Before the tunnel', 40);
    // Ana has read everything: the room opens at its newest message.
    await rest(suite.url, anaApi, 'POST', `/api/rooms/${room.id}/read`, { seq: 40 });
    const session = await signedIn(ana, viewport);
    const { page } = session;
    await conversationLink(page, room.name).click();
    await expectVisible(messageByText(page, exactly('Before the tunnel 40')));
    await expectPinnedToBottom(page);

    for (let round = 1; round <= 3; round++) {
      await session.context.setOffline(true);
      await expectVisible(page.getByText("You're offline."));
      await composerBox(page).fill(`Written offline ${round}`);
      // On a phone Return starts a new line: the Send button sends.
      if (viewport === PHONE) await page.getByRole('button', { name: 'Send message', exact: true }).click();
      else await composerBox(page).press('Enter');
      const pending = messageByText(page, `Written offline ${round}`);
      await expectAttribute(pending, 'data-state', 'sending');
      await expectPinnedToBottom(page);

      // Meanwhile the others go on talking: the sync brings their messages with the outbox's.
      for (let i = 1; i <= 3; i++) {
        await rest(suite.url, boApi, 'POST', `/api/rooms/${room.id}/messages`, {
          body: `While you were away ${round}.${i}: a longer message that wraps over more than one line on a phone, **with** some formatting.\n\nAnd a second paragraph.`,
          clientMsgId: randomUUID(),
        });
      }
      await session.context.setOffline(false);
      await eventually(async () => expect(await pending.getAttribute('data-state')).toBe('sent'), 15_000);
      await expectHidden(page.getByText("You're offline."));
      // Give the list the frames it needs to settle, then it must be at its end.
      await page.waitForTimeout(300);
      await expectPinnedToBottom(page);
    }
    await session.screenshot(`timeline-${label}-after-reconnect`);

    session.forgetOfflineNoise();
    await session.assertClean();
  });
}

/** The seqs of the messages whose text is entirely inside the visible part of the list ("Backlog N" → N). */
async function seqsOnScreen(page: Page): Promise<number[]> {
  return messageRegion(page).evaluate((region) => {
    const frame = region.getBoundingClientRect();
    const seqs: number[] = [];
    for (const body of Array.from(region.querySelectorAll('app-message-body'))) {
      const box = body.getBoundingClientRect();
      const match = /^Backlog (\d+)$/.exec(body.textContent?.trim() ?? '');
      if (match && box.top >= frame.top - 1 && box.bottom <= frame.bottom + 1) seqs.push(Number(match[1]));
    }
    return seqs.sort((a, b) => a - b);
  });
}

async function myRoom(who: ApiUser, roomId: string): Promise<RoomSummary> {
  const rooms = await rest<RoomSummary[]>(suite.url, who, 'GET', '/api/rooms');
  return rooms.find((r) => r.id === roomId)!;
}

/** The "New messages" line is inside the visible part of the list. */
async function lineOnScreen(page: Page): Promise<boolean> {
  const line = messageRegion(page).getByRole('separator', { name: 'New messages' });
  if ((await line.count()) !== 1) return false;
  const [box, frame] = await Promise.all([line.boundingBox(), messageRegion(page).boundingBox()]);
  return !!box && !!frame && box.y >= frame.y - 1 && box.y + box.height <= frame.y + frame.height + 1;
}

/** The count in front of the tab title ("(12) …", "(99+) …"), '' when none. */
const unreadInTitle = async (page: Page) => /^\((\d+\+?)\)/.exec(await page.title())?.[1] ?? '';
const asShown = (count: number) => (count === 0 ? '' : count > 99 ? '99+' : String(count));

for (const [label, viewport] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const) {
  test(`${label}: a room with 130 unread opens at the first of them, and only what was on screen counts as read`, async () => {
    const { bo, anaApi, boApi, room } = await groupOfTwo('Backlog');
    await seedMessages(suite.url, anaApi, room.id, 'Backlog', 150);
    // Bo read the first 20 yesterday: 130 are unread.
    await rest(suite.url, boApi, 'POST', `/api/rooms/${room.id}/read`, { seq: 20 });
    expect(await myRoom(boApi, room.id)).toMatchObject({ lastReadSeq: 20, unreadCount: 130 });

    const session = await signedIn(bo, viewport);
    const { page } = session;
    await eventually(async () => expect(await unreadInTitle(page)).toBe('99+'));
    await conversationLink(page, room.name).click();

    // It opens at the "New messages" line, with the first unread message right under it, not at the newest.
    await eventually(async () => expect(await lineOnScreen(page)).toBe(true));
    await eventually(async () => expect(await seqsOnScreen(page)).toContain(21));
    const firstScreen = await seqsOnScreen(page);
    expect(firstScreen).not.toContain(150);
    const line = await messageRegion(page).getByRole('separator', { name: 'New messages' }).boundingBox();
    const first = await messageByText(page, exactly('Backlog 21')).boundingBox();
    const lastRead = await messageByText(page, exactly('Backlog 20')).boundingBox();
    expect(line!.y).toBeGreaterThan(lastRead!.y);
    expect(first!.y).toBeGreaterThan(line!.y);
    await session.screenshot(`timeline-${label}-opened-at-first-unread`);

    // What is on screen is read, and nothing beyond it: the server's marker is the last message fully in view.
    await eventually(async () => {
      const seen = await seqsOnScreen(page);
      const server = await myRoom(boApi, room.id);
      expect(server.lastReadSeq).toBeGreaterThan(20);
      expect(server.lastReadSeq).toBeLessThanOrEqual(Math.max(...seen));
      expect(server.lastReadSeq).toBeGreaterThanOrEqual(Math.max(...seen) - 1);
      expect(server.unreadCount).toBe(150 - server.lastReadSeq);
      expect(await unreadInTitle(page)).toBe(asShown(150 - server.lastReadSeq));
    });
    const afterOpening = await myRoom(boApi, room.id);
    expect(afterOpening.unreadCount).toBeGreaterThan(100);
    if (label === 'desktop') {
      await expectVisible(conversationLink(page, room.name).getByText(asShown(afterOpening.unreadCount), { exact: true }));
    }
    // The jump down says how many are still unread below.
    await expectVisible(page.getByRole('button', { name: `${afterOpening.unreadCount} new messages` }));

    // Reading on: scrolled down a few screens, the marker follows what went by; the line is now above.
    await messageRegion(page).hover();
    for (let i = 0; i < 4; i++) {
      await page.mouse.wheel(0, 500);
      await page.waitForTimeout(150);
    }
    await eventually(async () => {
      const server = await myRoom(boApi, room.id);
      expect(server.lastReadSeq).toBeGreaterThan(afterOpening.lastReadSeq);
      expect(server.lastReadSeq).toBeLessThanOrEqual(Math.max(...(await seqsOnScreen(page))));
    });
    expect((await myRoom(boApi, room.id)).unreadCount).toBeGreaterThan(0);
    const jumpUp = page.getByRole('button', { name: 'Jump to first unread' });
    await expectVisible(jumpUp);
    await session.screenshot(`timeline-${label}-scrolled-with-pills`);

    // "Jump to first unread" brings the line back into view.
    await jumpUp.click();
    await eventually(async () => expect(await lineOnScreen(page)).toBe(true));
    await expectHidden(jumpUp);

    if (label === 'desktop') {
      // Scrolling all the way down (the newer pages load on the way) reads everything.
      await messageRegion(page).hover();
      await eventually(async () => {
        await page.mouse.wheel(0, 2000);
        expect(await seqsOnScreen(page)).toContain(150);
      }, 20_000);
    } else {
      // The jump down loads the newest messages and goes there.
      await page.getByRole('button', { name: /new messages/ }).click();
      await eventually(async () => expect(await seqsOnScreen(page)).toContain(150), 10_000);
    }
    await eventually(async () => expect(await myRoom(boApi, room.id)).toMatchObject({ lastReadSeq: 150, unreadCount: 0 }));
    await eventually(async () => expect(await unreadInTitle(page)).toBe(''));
    await expectHidden(page.getByRole('button', { name: /new messages/ }));

    // At the bottom, a new message is read as it arrives.
    await rest(suite.url, anaApi, 'POST', `/api/rooms/${room.id}/messages`, { body: 'Backlog 151', clientMsgId: `live-${Date.now()}` });
    await eventually(async () => expect(await seqsOnScreen(page)).toContain(151));
    await eventually(async () => expect(await myRoom(boApi, room.id)).toMatchObject({ lastReadSeq: 151, unreadCount: 0 }));

    // The line stays while the room is open (the jump brings back the page it is on)...
    await page.getByRole('button', { name: 'Jump to first unread' }).click();
    await eventually(async () => expect(await lineOnScreen(page)).toBe(true));

    // ...and is gone the next time the room is opened with nothing unread.
    if (label === 'phone') await page.getByRole('link', { name: 'Back to conversations' }).click();
    else await page.goto('/');
    await conversationLink(page, room.name).click();
    await eventually(async () => expect(await seqsOnScreen(page)).toContain(151));
    await expectHidden(messageRegion(page).getByRole('separator', { name: 'New messages' }));
    await expectHidden(page.getByRole('button', { name: 'Jump to first unread' }));

    await session.assertClean();
  });
}

test('a few unread messages: the line shows above them, all are on screen and so read, and no jump is offered', async () => {
  const { bo, anaApi, boApi, room } = await groupOfTwo('Few');
  await seedMessages(suite.url, anaApi, room.id, 'Backlog', 5);
  await rest(suite.url, boApi, 'POST', `/api/rooms/${room.id}/read`, { seq: 2 });
  const session = await signedIn(bo);
  const { page } = session;
  await conversationLink(page, room.name).click();

  await eventually(async () => expect(await lineOnScreen(page)).toBe(true));
  await eventually(async () => expect(await seqsOnScreen(page)).toEqual([1, 2, 3, 4, 5]));
  await eventually(async () => expect(await myRoom(boApi, room.id)).toMatchObject({ lastReadSeq: 5, unreadCount: 0 }));
  await expectHidden(conversationLink(page, room.name).getByText(/unread message/));
  await page.waitForTimeout(300);
  expect(await page.getByRole('button', { name: /Jump to|new message/ }).count()).toBe(0);
  await session.assertClean();
});

test('messages arriving while I look at another window stay unread, under a "New messages" line, until I come back', async () => {
  const { bo, anaApi, boApi, room } = await groupOfTwo('Away');
  await seedMessages(suite.url, anaApi, room.id, 'Backlog', 3);
  await rest(suite.url, boApi, 'POST', `/api/rooms/${room.id}/read`, { seq: 3 });
  const session = await signedIn(bo);
  const { page } = session;
  await conversationLink(page, room.name).click();
  await eventually(async () => expect(await messageByText(page, exactly('Backlog 3')).count()).toBe(1));
  await expectHidden(messageRegion(page).getByRole('separator', { name: 'New messages' }));

  // Bo switches to another window (the tab stays visible); Ana writes twice.
  await page.evaluate(() => window.dispatchEvent(new Event('blur')));
  await seedMessages(suite.url, anaApi, room.id, 'Later', 2);
  await eventually(async () => expect(await messageByText(page, exactly('Later 2')).count()).toBe(1));
  await page.waitForTimeout(700);
  expect(await myRoom(boApi, room.id)).toMatchObject({ lastReadSeq: 3, unreadCount: 2 });
  await eventually(async () => expect(await unreadInTitle(page)).toBe('2'));
  await eventually(async () => expect(await lineOnScreen(page)).toBe(true));

  // Back to the window: what is on screen is read; the line stays where the new ones began.
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await eventually(async () => expect(await myRoom(boApi, room.id)).toMatchObject({ lastReadSeq: 5, unreadCount: 0 }));
  await eventually(async () => expect(await unreadInTitle(page)).toBe(''));
  const line = await messageRegion(page).getByRole('separator', { name: 'New messages' }).boundingBox();
  const first = await messageByText(page, exactly('Later 1')).boundingBox();
  const before = await messageByText(page, exactly('Backlog 3')).boundingBox();
  expect(line!.y).toBeGreaterThan(before!.y);
  expect(first!.y).toBeGreaterThan(line!.y);
  await session.assertClean();
});
