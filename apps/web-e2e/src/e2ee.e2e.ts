import { E2eeDeviceList, RoomSummary } from '@parley/contracts';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AccessibilityAudit } from './support/axe';
import { DESKTOP, PHONE, screenshot } from './support/browser';
import { composerBox, conversationLink, messageByText, messageRegion } from './support/chat-scene';
import { browserSuite } from './support/suite';
import { eventually, expectVisible } from './support/ui-expect';

// Groups with people who are not friends.
const suite = browserSuite({ DM_POLICY: 'anyone' });

/** Every file under a directory (the SQLite file, its WAL, the file store, keys…). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Where the canary shows up in the server's storage and logs (UTF-8, UTF-16 and base64 spellings). */
function canaryFoundIn(dataDir: string, logs: string, canary: string): string[] {
  const spellings = [Buffer.from(canary, 'utf8'), Buffer.from(canary, 'utf16le'), Buffer.from(Buffer.from(canary).toString('base64').slice(0, 16))];
  const found = filesUnder(dataDir).filter((path) => {
    const bytes = readFileSync(path);
    return spellings.some((s) => bytes.includes(s));
  });
  if (logs.includes(canary)) found.push('server output');
  return found;
}

test('two people and three devices: messages decrypt on every device, the server holds only ciphertext', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  const anaBrowser = await suite.signedIn(ana!.account, DESKTOP);
  const boLaptop = await suite.signedIn(bo!.account, DESKTOP);
  const boPhone = await suite.signedIn(bo!.account, PHONE);

  // Ana creates an encrypted group with Bo in the dialog.
  const { page } = anaBrowser;
  await page.getByRole('button', { name: 'New room' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Create a room' });
  await dialog.getByLabel('Name', { exact: true }).fill('Board minutes');
  await dialog.getByRole('checkbox', { name: /End-to-end encrypted/ }).check();
  await dialog.getByRole('searchbox', { name: 'Add people' }).fill(bo!.account.username);
  await dialog.getByRole('button', { name: new RegExp(bo!.account.displayName) }).click();
  await screenshot(page, 'e2ee-create-room');
  const audit = new AccessibilityAudit('e2ee');
  await audit.check(page, 'create room dialog with the encrypted choice', '.cdk-overlay-container');
  await dialog.getByRole('button', { name: 'Create room' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/r/'));
  const roomId = new URL(page.url()).pathname.split('/')[2]!;
  const room = await ana!.api.call<RoomSummary>('GET', `/api/rooms/${roomId}`);
  expect(room.encrypted).toBe(true);
  await expectVisible(page.getByRole('img', { name: 'End-to-end encrypted' }));

  // Every browser sign-in became a device with keys (the library loads once an encrypted room is listed).
  await eventually(async () => {
    const { devices } = await bo!.api.call<E2eeDeviceList>('GET', '/api/e2ee/devices');
    expect(devices.filter((d) => d.hasKeys).length).toBe(2);
  }, 30_000);

  const canary = `canary-${Math.random().toString(36).slice(2, 10)}-plum`;
  await composerBox(page).fill(`The numbers are ${canary}`);
  await composerBox(page).press('Enter');
  await expectVisible(messageByText(page, new RegExp(canary)));
  for (const device of [boLaptop, boPhone]) {
    const p = device.page;
    await conversationLink(p, 'Board minutes').click();
    await eventually(async () => expect(await messageByText(p, new RegExp(canary)).count()).toBe(1), 30_000);
  }
  await screenshot(boLaptop.page, 'e2ee-room-desktop');
  await screenshot(boPhone.page, 'e2ee-room-phone');
  await audit.check(boLaptop.page, 'encrypted room', 'main');
  audit.assertNone();

  // Bo answers from the phone; Ana and Bo's laptop read it.
  await composerBox(boPhone.page).fill('Received, thanks');
  // On a phone Enter starts a new line: the Send button sends.
  await boPhone.page.getByRole('button', { name: 'Send message' }).click();
  try {
    for (const p of [page, boLaptop.page]) await eventually(async () => expect(await messageByText(p, 'Received, thanks').count()).toBe(1), 30_000);
  } finally {
    await screenshot(boPhone.page, 'e2ee-reply-phone');
    await screenshot(page, 'e2ee-reply-ana');
  }

  // What the server stored is ciphertext: the REST history has an empty body and the Megolm ciphertext.
  const history = await bo!.api.call<{ items: { body: string; encrypted: unknown }[] }>('GET', `/api/rooms/${roomId}/messages`);
  expect(history.items.every((m) => m.body === '' && m.encrypted !== null)).toBe(true);
  expect(JSON.stringify(history)).not.toContain(canary);
  // And the canary is nowhere in the database, its WAL, the file store or the logs.
  expect(canaryFoundIn(suite.server.dataDir, suite.server.output(), canary)).toEqual([]);
  await expectVisible(messageRegion(page));

  // Bo's devices, on his profile: both, with their keys; he signs the phone out from the laptop.
  const laptop = boLaptop.page;
  await laptop.goto('/profile');
  const list = laptop.getByRole('list', { name: 'Encryption devices' });
  await eventually(async () => expect(await list.getByRole('listitem').count()).toBe(2), 15_000);
  await expectVisible(list.getByText('This device'));
  expect(await list.locator('code').count()).toBe(2);
  await list.scrollIntoViewIfNeeded();
  await screenshot(laptop, 'e2ee-devices');
  await audit.check(laptop, 'encryption devices', 'main');
  audit.assertNone();
  await list.getByRole('button', { name: /^Sign out device/ }).click();
  await eventually(async () => expect(await list.getByRole('listitem').count()).toBe(1), 15_000);
  // The phone's session ended with its device.
  await boPhone.page.waitForURL((url) => url.pathname === '/login', { timeout: 15_000 });
  const { devices } = await bo!.api.call<E2eeDeviceList>('GET', '/api/e2ee/devices');
  expect(devices.filter((d) => d.hasKeys).length).toBe(1);
});
