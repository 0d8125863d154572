import { Message, MessagePage, RoomSummary } from '@parley/contracts';
import { signedInWithKeys } from './support/e2ee';
import { composerBox, conversationLink, exactly, messageByText } from './support/chat-scene';
import { browserSuite } from './support/suite';
import { eventually } from './support/ui-expect';

// Groups with people who are not friends; a hundred messages in a row within the send limit.
const suite = browserSuite({ DM_POLICY: 'anyone', SOCKET_SEND_RATE_PER_SECOND: '200', SOCKET_SEND_BURST: '200' });

/** The room key's rotation period in messages (ROOM_KEY_ROTATION_MESSAGES in the web app). */
const ROTATION = 100;

test('the room key is replaced after 100 messages, and the new one goes to every device before the next message is written', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  const tag = ana!.account.username.slice(-5);
  const room = await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: `Rotation ${tag}`, memberIds: [bo!.api.user.id], encrypted: true });
  const [anaSession, boSession] = await signedInWithKeys(suite, [ana!, bo!]);
  const { page } = anaSession;
  // Room keys go to devices as Olm-encrypted to-device messages: when Ana's browser sends one, and when she presses Enter.
  const keyShares: number[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT' && request.url().includes('/api/e2ee/sendToDevice/m.room.encrypted/')) keyShares.push(Date.now());
  });
  // Every message the server holds for the room, oldest first.
  const stored = async () => {
    const all: Message[] = [];
    for (;;) {
      const page = await ana!.api.call<MessagePage>('GET', `/api/rooms/${room.id}/messages?after=${all.at(-1)?.seq ?? 0}&limit=100`);
      all.push(...page.items);
      if (!page.hasMore) return all;
    }
  };

  await conversationLink(page, room.name).click();
  await composerBox(page).click();
  // A hundred messages through the composer, as fast as it takes them.
  await page.evaluate(async (count) => {
    const field = document.activeElement!;
    for (let i = 1; i <= count; i++) {
      await new Promise((r) => setTimeout(r, 10));
      document.execCommand('selectAll');
      document.execCommand('insertText', false, `batch message ${i}`);
      field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 13, bubbles: true, cancelable: true }));
    }
  }, ROTATION);
  await eventually(async () => expect((await stored()).length).toBe(ROTATION), 90_000);
  const batch = await stored();
  expect(new Set(batch.map((m) => m.encrypted?.sessionId)).size).toBe(1);
  expect(batch.every((m) => m.body === '')).toBe(true);

  // The hundredth message used the key up: its successor is shared now, with nothing typed yet (the first key
  // went out with the first message, the second right after the hundredth was encrypted).
  await eventually(async () => expect(keyShares.length).toBeGreaterThanOrEqual(2), 15_000);
  const sharesBefore = keyShares.length;
  // Settled: no more key traffic while nobody writes.
  await new Promise((r) => setTimeout(r, 500));
  expect(keyShares.length).toBe(sharesBefore);

  const next = `after the rotation ${tag}`;
  await composerBox(page).fill(next);
  await composerBox(page).press('Enter');
  await eventually(async () => expect((await stored()).length).toBe(ROTATION + 1), 30_000);
  const after = (await stored()).at(-1)!;
  expect(after.encrypted?.sessionId).toBeTruthy();
  expect(after.encrypted?.sessionId).not.toBe(batch[0]!.encrypted?.sessionId);
  // Its key was already on Bo's device: sending it shared nothing more.
  expect(keyShares.length).toBe(sharesBefore);

  // Bo reads both keys' messages (the room opens at his first unread message: he jumps to the latest).
  const bp = boSession.page;
  await conversationLink(bp, room.name).click();
  await bp.getByRole('button', { name: /new messages/ }).click();
  await eventually(async () => expect(await messageByText(bp, new RegExp(next)).count()).toBe(1), 30_000);
  await eventually(async () => expect(await messageByText(bp, exactly('batch message 100')).count()).toBe(1), 30_000);
}, 240_000);
