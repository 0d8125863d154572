import { E2eeDeviceList } from '@parley/contracts';
import { AccessibilityAudit } from './support/axe';
import { DESKTOP, PHONE, screenshot } from './support/browser';
import { saveRecoveryKey } from './support/e2ee';
import { conversationLink } from './support/chat-scene';
import { browserSuite } from './support/suite';
import { eventually, expectVisible } from './support/ui-expect';

// Groups with people who are not friends.
const suite = browserSuite({ DM_POLICY: 'anyone' });

test('a new phone verifies itself by QR code: it reads a picture of the laptop’s code, the laptop confirms, both trust each other', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  await bo!.api.call('POST', '/api/rooms', { kind: 'group', name: 'Plans', encrypted: true, memberIds: [ana!.api.user.id] });
  const audit = new AccessibilityAudit('e2ee-qr');
  const boLaptop = await suite.signedIn(bo!.account, DESKTOP);
  await saveRecoveryKey(boLaptop.page);
  const boPhone = await suite.signedIn(bo!.account, PHONE);
  await eventually(async () => {
    const { devices } = await bo!.api.call<E2eeDeviceList>('GET', '/api/e2ee/devices');
    expect(devices.filter((d) => d.hasKeys).length).toBe(2);
  }, 30_000);

  const laptop = boLaptop.page;
  await laptop.goto('/profile');
  const list = laptop.getByRole('list', { name: 'Encryption devices' });
  await eventually(async () => expect(await list.getByRole('button', { name: /^Verify device/ }).count()).toBe(1), 30_000);
  await list.getByRole('button', { name: /^Verify device/ }).click();
  const onPhone = boPhone.page.getByRole('dialog', { name: 'Verify your other device' });
  await onPhone.getByRole('button', { name: 'Accept' }).click({ timeout: 30_000 });
  const onLaptop = laptop.getByRole('dialog', { name: 'Verify your other device' });

  // The laptop (which holds the account's cross-signing keys) shows its code; the phone reads a picture of it.
  const code = onLaptop.getByRole('img', { name: 'QR code to scan with the other device' });
  await expectVisible(code, 30_000);
  const picture = await code.screenshot();
  await onPhone.getByRole('button', { name: 'Scan their code' }).click();
  const scan = onPhone.getByRole('group', { name: 'Scan their code' });
  await expectVisible(scan.getByText('Choose a picture of the code'));
  await screenshot(boPhone.page, 'e2ee-qr-self-phone');
  await audit.check(boPhone.page, 'QR verification on a phone', '.cdk-overlay-container');
  await scan.getByLabel('Choose a picture of the code').setInputFiles({ name: 'laptop-code.png', mimeType: 'image/png', buffer: picture });
  await expectVisible(onPhone.getByText(/Confirm on the other device/), 30_000);
  await expectVisible(onLaptop.getByText(/scanned this device's code/), 30_000);
  await onLaptop.getByRole('button', { name: 'Yes, it was scanned' }).click();
  for (const dialog of [onLaptop, onPhone]) await expectVisible(dialog.getByRole('status').getByText(/^Verified/), 30_000);
  // Done, each still names the device it verified (the laptop is the older of the two).
  const [laptopDevice, phoneDevice] = (await bo!.api.call<E2eeDeviceList>('GET', '/api/e2ee/devices')).devices.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  await expectVisible(onLaptop.getByText(`Device ${phoneDevice!.deviceId}`, { exact: true }));
  await expectVisible(onPhone.getByText(`Device ${laptopDevice!.deviceId}`, { exact: true }));
  await screenshot(boPhone.page, 'e2ee-qr-self-done-phone');
  for (const dialog of [onLaptop, onPhone]) await dialog.getByRole('button', { name: 'Done' }).click();

  // The laptop lists the phone as verified, and the phone (sent the secrets) lists the laptop as verified too.
  await eventually(async () => expect(await list.getByText('Verified').count()).toBe(2), 15_000);
  await boPhone.page.goto('/profile');
  const phoneList = boPhone.page.getByRole('list', { name: 'Encryption devices' });
  await eventually(async () => expect(await phoneList.getByText('Verified').count()).toBe(2), 30_000);
  audit.assertNone();
}, 120_000);

test('someone\u2019s brand-new browser asks to verify a device that never fetched their keys: the request arrives', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  await bo!.api.call('POST', '/api/rooms', { kind: 'group', name: 'Budget', encrypted: true, memberIds: [ana!.api.user.id] });
  const boLaptop = await suite.signedIn(bo!.account, DESKTOP);
  await saveRecoveryKey(boLaptop.page);
  // Nobody writes: Bo's laptop has never needed Ana's keys (it fetches them to share a room key).
  await conversationLink(boLaptop.page, 'Budget').click();
  const anaNew = await suite.signedIn(ana!.account, DESKTOP);
  await saveRecoveryKey(anaNew.page);
  await conversationLink(anaNew.page, 'Budget').click();
  await anaNew.page.getByRole('button', { name: 'Room settings' }).click();
  await anaNew.page.getByRole('dialog', { name: 'Budget' }).getByRole('button', { name: bo!.account.displayName }).click();
  const card = anaNew.page.getByRole('dialog', { name: bo!.account.displayName });
  const theirs = card.getByRole('list', { name: 'Their encryption devices' });
  await eventually(async () => expect(await theirs.getByRole('listitem').count()).toBe(1), 30_000);
  await theirs.getByRole('button').first().click();
  const onBo = boLaptop.page.getByRole('dialog', { name: /^Verify Ana/ });
  await expectVisible(onBo.getByText(/wants to verify this device/), 30_000);
  await onBo.getByRole('button', { name: 'Accept' }).click();
  const onAna = anaNew.page.getByRole('dialog', { name: /^Verify Bo/ });
  await onAna.getByRole('button', { name: 'Compare emoji' }).click({ timeout: 30_000 });
  const emoji = async (dialog: typeof onAna) => {
    const list = dialog.getByRole('list', { name: 'Emoji to compare' });
    await expectVisible(list, 30_000);
    return (await list.getByRole('listitem').allTextContents()).map((t) => t.trim());
  };
  expect(await emoji(onBo)).toEqual(await emoji(onAna));
  await onAna.getByRole('button', { name: 'They match' }).click();
  await onBo.getByRole('button', { name: 'They match' }).click();
  for (const dialog of [onAna, onBo]) await expectVisible(dialog.getByRole('status').getByText(/^Verified/), 30_000);
  await boLaptop.assertClean();
  await anaNew.assertClean();
}, 120_000);
