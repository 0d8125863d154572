import { RegisterRequest, RoomSummary } from '@parley/contracts';
import { newAccount, registerViaApi } from './support/accounts';
import { AccessibilityAudit } from './support/axe';
import { DESKTOP, PHONE, screenshot } from './support/browser';
import { ApiUser, exactly, messageByText, rest, seedMessages, signInViaApi } from './support/chat-scene';
import { browserSuite } from './support/suite';
import { eventually, expectAttribute, expectFocused, expectHidden, expectText, expectVisible } from './support/ui-expect';

/** Whether the element is inside the message list's visible part. */
async function inView(locator: import('playwright-core').Locator): Promise<boolean> {
  return locator.first().evaluate((el) => {
    const box = el.getBoundingClientRect();
    const list = el.closest('[role="region"]')!.getBoundingClientRect();
    return box.top >= list.top - 1 && box.bottom <= list.bottom + 1;
  });
}

// Seeding a long history sends faster than a person may; rooms here take anyone in (no friendship first).
const suite = browserSuite({ SOCKET_SEND_RATE_PER_SECOND: '10000', SOCKET_SEND_BURST: '10000', DM_POLICY: 'anyone' });
const { signedIn } = suite;

/** Ana and Bo in two group rooms; the first has a long history with one early message that mentions the needle. */
async function scene(needle: string): Promise<{ ana: RegisterRequest; anaApi: ApiUser; boApi: ApiUser; design: RoomSummary; lunch: RoomSummary }> {
  const ana = newAccount('ana');
  const bo = newAccount('bo');
  await Promise.all([registerViaApi(suite.url, ana), registerViaApi(suite.url, bo)]);
  const [anaApi, boApi] = await Promise.all([signInViaApi(suite.url, ana), signInViaApi(suite.url, bo)]);
  const tag = ana.username.slice(-5);
  const design = await rest<RoomSummary>(suite.url, anaApi, 'POST', '/api/rooms', { kind: 'group', name: `Design ${tag}`, memberIds: [boApi.id] });
  const lunch = await rest<RoomSummary>(suite.url, anaApi, 'POST', '/api/rooms', { kind: 'group', name: `Lunch ${tag}`, memberIds: [boApi.id] });
  await seedMessages(suite.url, boApi, design.id, 'Warm-up', 5);
  await rest(suite.url, boApi, 'POST', `/api/rooms/${design.id}/messages`, { body: `The **${needle}** review moved to Thursday`, clientMsgId: `${tag}-early` });
  await seedMessages(suite.url, boApi, design.id, 'Later chatter', 80);
  await rest(suite.url, anaApi, 'POST', `/api/rooms/${lunch.id}/messages`, { body: `Anyone for ${needle} soup?`, clientMsgId: `${tag}-lunch` });
  return { ana, anaApi, boApi, design, lunch };
}

const searchDialog = (page: import('playwright-core').Page) => page.getByRole('dialog', { name: 'Search messages' });
const searchBox = (page: import('playwright-core').Page) => searchDialog(page).getByRole('combobox', { name: 'Search messages' });
const results = (page: import('playwright-core').Page) => searchDialog(page).getByRole('listbox', { name: 'Search results' }).getByRole('option');

for (const [label, viewport] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const) {
  test(`${label}: search finds a message in any room, grouped by room with the match marked, and opens the conversation at it`, async () => {
    const needle = `zephyr${Math.random().toString(36).slice(2, 6)}`;
    const { ana, design, lunch } = await scene(needle);
    const session = await signedIn(ana, viewport);
    const { page } = session;

    // Ctrl+K on a desktop; the search button in the top bar on a phone.
    if (viewport === PHONE) await page.getByRole('button', { name: 'Search messages' }).click();
    else await page.keyboard.press('Control+k');
    await expectVisible(searchDialog(page));
    await expectFocused(searchBox(page));
    await searchBox(page).fill(needle.slice(0, 2));
    await expectVisible(searchDialog(page).getByText('Type at least 3 characters.'));
    // Part of the word, in another case: both rooms' messages, newest first, each room a group.
    await searchBox(page).fill(needle.slice(1, 7).toUpperCase());
    await eventually(async () => expect(await results(page).count()).toBe(2), 10_000);
    await expectVisible(searchDialog(page).getByRole('group', { name: lunch.name }));
    await expectVisible(searchDialog(page).getByRole('group', { name: design.name }));
    await expectText(results(page).first(), `Anyone for ${needle} soup?`);
    await expectText(results(page).nth(1).locator('mark'), needle.slice(1, 7));
    await expectText(results(page).nth(1), `The ${needle} review moved to Thursday`);
    await screenshot(page, `search-${label}-results`);

    // The room chip narrows it to one room.
    await searchDialog(page).getByRole('combobox', { name: 'Room' }).selectOption({ label: design.name });
    await eventually(async () => expect(await results(page).count()).toBe(1), 10_000);
    await expectText(results(page).first(), 'review moved to Thursday');
    const audit = new AccessibilityAudit(label);
    await audit.check(page, 'search dialog with results', '.cdk-overlay-container');
    audit.assertNone();

    // Enter opens the active (only) result: the conversation at that early message, flashed, far above the newest page.
    await searchBox(page).press('Enter');
    await expectHidden(searchDialog(page));
    await page.waitForURL((url) => url.pathname === `/r/${design.id}` && url.searchParams.get('at') === '6');
    const found = messageByText(page, `The ${needle} review moved to Thursday`);
    await expectVisible(found);
    await expectAttribute(found, 'class', /highlighted/);
    await eventually(async () => expect(await inView(found)).toBe(true));
    await expectHidden(messageByText(page, exactly('Later chatter 80')));
    await screenshot(page, `search-${label}-opened`);
    await session.assertClean();
  });
}

test('keyboard: arrows move through the results, Escape closes, filters by person and files show no result', async () => {
  const needle = `quasar${Math.random().toString(36).slice(2, 6)}`;
  const { ana, lunch } = await scene(needle);
  const session = await signedIn(ana, DESKTOP);
  const { page } = session;
  await page.keyboard.press('Control+k');
  await searchBox(page).fill(needle);
  await eventually(async () => expect(await results(page).count()).toBe(2), 10_000);
  await expectAttribute(results(page).first(), 'aria-selected', 'true');
  await searchBox(page).press('ArrowDown');
  await expectAttribute(results(page).nth(1), 'aria-selected', 'true');
  await searchBox(page).press('ArrowDown');
  await expectAttribute(results(page).first(), 'aria-selected', 'true');

  // From: only Ana's own message (the lunch one).
  await searchDialog(page).getByRole('combobox', { name: 'Person' }).selectOption({ label: `${ana.displayName} (you)` });
  await eventually(async () => expect(await results(page).count()).toBe(1), 10_000);
  await expectText(results(page).first(), 'soup');
  await expectVisible(searchDialog(page).getByRole('group', { name: lunch.name }));
  // Has a file: none of these carries one.
  await searchDialog(page).getByRole('button', { name: 'Has a file' }).click();
  await expectVisible(searchDialog(page).getByText(/Nothing found for .* with these filters/));
  await searchDialog(page).getByRole('button', { name: 'Clear filters' }).click();
  await eventually(async () => expect(await results(page).count()).toBe(2), 10_000);

  await page.keyboard.press('Escape');
  await expectHidden(searchDialog(page));
  await session.assertClean();
});
