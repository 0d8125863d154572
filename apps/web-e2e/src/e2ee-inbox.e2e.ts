import { RoomSummary } from '@parley/contracts';
import { signedInWithKeys } from './support/e2ee';
import { composerBox, conversationLink, messageByText, messageRegion } from './support/chat-scene';
import { browserSuite } from './support/suite';
import { eventually, expectVisible } from './support/ui-expect';

const suite = browserSuite({ DM_POLICY: 'anyone' });

test('a room key on its way is fetched again after the inbox could not be read, with no new wake-up from the server', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  const tag = ana!.account.username.slice(-5);
  const secret = `juniper${Math.random().toString(36).slice(2, 8)}`;
  const room = await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: `Quiet ${tag}`, memberIds: [bo!.api.user.id], encrypted: true });

  const [anaSession, boSession] = await signedInWithKeys(suite, [ana!, bo!]);
  const { page } = anaSession;
  await conversationLink(page, room.name).click();

  // From now on Ana's browser cannot read its inbox (the server answers 503) until the test lets it.
  let failing = true;
  let refused = 0;
  anaSession.expectHttpError(503, '/api/e2ee/sync');
  await page.route('**/api/e2ee/sync**', async (route) => {
    if (!failing) return route.continue();
    refused++;
    await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, error: 'Service Unavailable', message: 'Try again later' }) });
  });

  // Bo writes: the room key goes to Ana's device through the server, which wakes her browser once; that read fails.
  const bp = boSession.page;
  await conversationLink(bp, room.name).click();
  await composerBox(bp).fill(`The ${secret} shelf is the third one`);
  await composerBox(bp).press('Enter');
  await expectVisible(messageByText(bp, new RegExp(secret)));
  await eventually(() => expect(refused).toBeGreaterThan(0), 20_000);
  // Meanwhile the message is there, saying that its key has not arrived.
  await expectVisible(messageRegion(page).getByText("Can't decrypt this message yet: this device has not received its key."), 20_000);

  // The inbox works again, and nothing else happens in the room: Ana's browser tries again on its own.
  failing = false;
  await eventually(async () => expect(await messageByText(page, new RegExp(secret)).count()).toBe(1), 30_000);

  await anaSession.assertClean();
  await boSession.assertClean();
});
