import { E2eeDeviceList, RoomSummary } from '@parley/contracts';
import { AccessibilityAudit } from './support/axe';
import { DESKTOP, PHONE, screenshot } from './support/browser';
import { canaryFoundIn, saveRecoveryKey } from './support/e2ee';
import { composerBox, conversationLink, messageByText, messageRegion } from './support/chat-scene';
import { browserSuite } from './support/suite';
import { eventually, expectVisible } from './support/ui-expect';

// Groups with people who are not friends.
const suite = browserSuite({ DM_POLICY: 'anyone' });

test('two people and three devices: messages decrypt on every device, the server holds only ciphertext', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  const anaBrowser = await suite.signedIn(ana!.account, DESKTOP);
  const boLaptop = await suite.signedIn(bo!.account, DESKTOP);

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
  audit.assertNone();
  await dialog.getByRole('button', { name: 'Create room' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/r/'));
  const roomId = new URL(page.url()).pathname.split('/')[2]!;
  const room = await ana!.api.call<RoomSummary>('GET', `/api/rooms/${roomId}`);
  expect(room.encrypted).toBe(true);
  // The first use of encryption on an account makes its recovery key: Ana and Bo each save theirs.
  const anaKey = await saveRecoveryKey(page, audit);
  expect(anaKey).toMatch(/^(\w{4} ){11}\w{2,4}$/);
  await saveRecoveryKey(boLaptop.page);
  await expectVisible(page.getByRole('img', { name: 'End-to-end encrypted' }));
  // Bo's phone signs in later: a device of its own (it asks for no new recovery key).
  const boPhone = await suite.signedIn(bo!.account, PHONE);

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
  // On the phone the room's name gives way ("Board minu…") before the lock does: it shows beside the buttons.
  const phoneHeader = boPhone.page.locator('app-room-header');
  const lock = (await phoneHeader.getByRole('img', { name: 'End-to-end encrypted' }).boundingBox())!;
  const calendarButton = (await phoneHeader.getByRole('button', { name: 'Calendar' }).boundingBox())!;
  expect(lock.width).toBeGreaterThan(0);
  expect(lock.x + lock.width).toBeLessThanOrEqual(calendarButton.x);
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

test('a new browser reads earlier history with the recovery key; a device verified by emoji gets the backup key; a person is verified by QR code', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  const anaLaptop = await suite.signedIn(ana!.account, DESKTOP);
  await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: 'Salaries', encrypted: true, memberIds: [bo!.api.user.id] });
  const audit = new AccessibilityAudit('e2ee-recovery');
  const anaKey = await saveRecoveryKey(anaLaptop.page);
  await conversationLink(anaLaptop.page, 'Salaries').click();
  await composerBox(anaLaptop.page).fill('Written before the new browser');
  await composerBox(anaLaptop.page).press('Enter');
  await expectVisible(messageByText(anaLaptop.page, 'Written before the new browser'));
  // The key reached the backup before the new browser comes.
  await eventually(async () => expect((await ana!.api.call<{ count: number }>('GET', '/api/e2ee/room_keys/version')).count).toBeGreaterThan(0), 15_000);

  // A new browser: nobody shared the room key with it; it says so and offers the restore.
  const anaPhone = await suite.signedIn(ana!.account, PHONE);
  const phone = anaPhone.page;
  await conversationLink(phone, 'Salaries').click();
  const waiting = phone.getByText(/needs your recovery key/);
  await expectVisible(waiting, 30_000);
  await screenshot(phone, 'e2ee-needs-restore');
  await phone.getByRole('button', { name: 'Restore with recovery key' }).click();
  const restore = phone.getByRole('dialog', { name: 'Restore your encrypted messages' });
  await restore.getByLabel('Recovery key').fill('not a key at all');
  await restore.getByRole('button', { name: 'Restore' }).click();
  await expectVisible(restore.getByRole('alert').getByText(/not a recovery key/));
  await restore.getByLabel('Recovery key').fill(anaKey.replace(/ /g, '\n'));
  await restore.getByRole('button', { name: 'Restore' }).click();
  await expectVisible(restore.getByRole('status').getByText(/Restored: \d+ room key/), 30_000);
  await screenshot(phone, 'e2ee-restored');
  await audit.check(phone, 'restore dialog', '.cdk-overlay-container');
  await restore.getByRole('button', { name: 'Done' }).click();
  await eventually(async () => expect(await messageByText(phone, 'Written before the new browser').count()).toBe(1), 30_000);

  // Bo: a laptop, then a second browser that he verifies from the laptop by comparing emoji.
  const boLaptop = await suite.signedIn(bo!.account, DESKTOP);
  await saveRecoveryKey(boLaptop.page);
  await conversationLink(boLaptop.page, 'Salaries').click();
  await composerBox(boLaptop.page).fill('Bo wrote this on his laptop');
  await composerBox(boLaptop.page).press('Enter');
  await expectVisible(messageByText(boLaptop.page, 'Bo wrote this on his laptop'));
  await eventually(async () => expect((await bo!.api.call<{ count: number }>('GET', '/api/e2ee/room_keys/version')).count).toBeGreaterThan(0), 15_000);
  const boDesk = await suite.signedIn(bo!.account, DESKTOP);
  await conversationLink(boDesk.page, 'Salaries').click();
  await expectVisible(boDesk.page.getByText(/needs your recovery key/), 30_000);

  const laptop = boLaptop.page;
  await laptop.goto('/profile');
  const list = laptop.getByRole('list', { name: 'Encryption devices' });
  await eventually(async () => expect(await list.getByRole('button', { name: /^Verify device/ }).count()).toBe(1), 30_000);
  await list.getByRole('button', { name: /^Verify device/ }).click();
  const asked = boDesk.page.getByRole('dialog', { name: 'Verify your other device' });
  await expectVisible(asked.getByText(/wants to verify this device/), 30_000);
  await asked.getByRole('button', { name: 'Accept' }).click();
  const asking = laptop.getByRole('dialog', { name: 'Verify your other device' });
  // Both are ready: each shows its QR code and offers emoji; the laptop chooses emoji.
  await expectVisible(asked.getByRole('img', { name: 'QR code to scan with the other device' }), 30_000);
  await asking.getByRole('button', { name: 'Compare emoji' }).click();
  const emojiOf = async (dialog: typeof asking) => {
    const list = dialog.getByRole('list', { name: 'Emoji to compare' });
    await expectVisible(list, 30_000);
    return (await list.getByRole('listitem').allTextContents()).map((t) => t.trim());
  };
  const shownOnLaptop = await emojiOf(asking);
  const shownOnDesk = await emojiOf(asked);
  expect(shownOnLaptop).toHaveLength(7);
  expect(shownOnDesk).toEqual(shownOnLaptop);
  await screenshot(laptop, 'e2ee-sas-emoji');
  await audit.check(laptop, 'verification by emoji', '.cdk-overlay-container');
  await asking.getByRole('button', { name: 'They match' }).click();
  await asked.getByRole('button', { name: 'They match' }).click();
  for (const dialog of [asking, asked]) await expectVisible(dialog.getByRole('status').getByText(/^Verified/), 30_000);
  await screenshot(boDesk.page, 'e2ee-sas-done');
  for (const dialog of [asking, asked]) await dialog.getByRole('button', { name: 'Done' }).click();
  // The laptop now trusts the desk browser (signed with Bo's self-signing key)…
  await eventually(async () => expect(await list.getByText('Verified').count()).toBe(2), 15_000);
  // …and sent it the backup key: the desk browser reads the earlier messages without the recovery key.
  await eventually(async () => expect(await messageByText(boDesk.page, 'Bo wrote this on his laptop').count()).toBe(1), 30_000);

  // Ana verifies Bo from his profile card, with his laptop: his other (cross-signed) browser is trusted too.
  const anaPage = anaLaptop.page;
  await messageRegion(anaPage).getByRole('button', { name: /^View profile of Bo/ }).first().click();
  const card = anaPage.getByRole('dialog', { name: bo!.account.displayName });
  const theirs = card.getByRole('list', { name: 'Their encryption devices' });
  await eventually(async () => expect(await theirs.getByRole('listitem').count()).toBe(2), 30_000);
  await expectVisible(card.getByText('Not verified'));
  await screenshot(anaPage, 'e2ee-person-devices');
  const boDevices = (await bo!.api.call<E2eeDeviceList>('GET', '/api/e2ee/devices')).devices;
  // The laptop is the older of Bo's two devices.
  const laptopDevice = [...boDevices].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0]!;
  await theirs.getByRole('button', { name: new RegExp(`\\(${laptopDevice.deviceId}\\)`) }).click();
  const onBo = laptop.getByRole('dialog', { name: /^Verify Ana/ });
  await expectVisible(onBo.getByText(/wants to verify this device/), 30_000);
  await onBo.getByRole('button', { name: 'Accept' }).click();
  const onAna = anaPage.getByRole('dialog', { name: /^Verify Bo/ });
  // By QR code this time: Bo's laptop shows its code, Ana scans it (here from a picture of Bo's screen).
  const boCode = onBo.getByRole('img', { name: 'QR code to scan with the other device' });
  await expectVisible(boCode, 30_000);
  await screenshot(laptop, 'e2ee-qr-shown');
  await audit.check(laptop, 'verification by QR code', '.cdk-overlay-container');
  const picture = await boCode.screenshot();
  await onAna.getByRole('button', { name: 'Scan their code' }).click();
  const scan = onAna.getByRole('group', { name: 'Scan their code' });
  // A picture without a code is refused with a reason.
  await scan.locator('input[type=file]').setInputFiles({ name: 'blank.png', mimeType: 'image/png', buffer: await anaPage.screenshot({ clip: { x: 0, y: 0, width: 40, height: 40 } }) });
  await expectVisible(scan.getByRole('alert').getByText(/That picture has no verification code/), 15_000);
  await scan.locator('input[type=file]').setInputFiles({ name: 'bo-code.png', mimeType: 'image/png', buffer: picture });
  await expectVisible(onAna.getByText(/Confirm on the other device/), 15_000);
  await expectVisible(onBo.getByText(/scanned this device's code/), 15_000);
  await screenshot(laptop, 'e2ee-qr-scanned');
  await onBo.getByRole('button', { name: 'Yes, it was scanned' }).click();
  for (const dialog of [onAna, onBo]) await expectVisible(dialog.getByRole('status').getByText(/^Verified/), 30_000);
  for (const dialog of [onAna, onBo]) await dialog.getByRole('button', { name: 'Done' }).click();
  await eventually(async () => expect(await theirs.getByText('· verified').count()).toBe(2), 30_000);
  await expectVisible(card.getByText('Verified', { exact: true }));
  await screenshot(anaPage, 'e2ee-person-verified');
  await audit.check(anaPage, 'a verified person', '.cdk-overlay-container');
  audit.assertNone();
}, 240_000);
