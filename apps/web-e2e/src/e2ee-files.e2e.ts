import { E2eeDeviceList, ENCRYPTED_UPLOAD_TYPE, MessagePage, RoomSummary } from '@parley/contracts';
import { readFileSync } from 'node:fs';
import { AccessibilityAudit } from './support/axe';
import { DESKTOP, PHONE, screenshot } from './support/browser';
import { composerBox, conversationLink, messageByText } from './support/chat-scene';
import { canaryFoundIn, saveRecoveryKey } from './support/e2ee';
import { TestFile, makePicture } from './support/files';
import { browserSuite } from './support/suite';
import { eventually, expectVisible } from './support/ui-expect';

const suite = browserSuite({ DM_POLICY: 'anyone' });

test('files in an encrypted room are encrypted in the browser and decrypt on every member device; the server keeps only ciphertext', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  const room = await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: 'Design review', encrypted: true, memberIds: [bo!.api.user.id] });
  const anaBrowser = await suite.signedIn(ana!.account, DESKTOP);
  const boLaptop = await suite.signedIn(bo!.account, DESKTOP);
  await saveRecoveryKey(anaBrowser.page);
  await saveRecoveryKey(boLaptop.page);
  const boPhone = await suite.signedIn(bo!.account, PHONE);
  await eventually(async () => {
    const { devices } = await bo!.api.call<E2eeDeviceList>('GET', '/api/e2ee/devices');
    expect(devices.filter((d) => d.hasKeys).length).toBe(2);
  }, 30_000);

  const canary = `canary-${Math.random().toString(36).slice(2, 10)}-quince`;
  const picture = await makePicture('mock-up.png', 800, 600, 150);
  const notes: TestFile = { name: 'notes.txt', type: 'text/plain', bytes: Buffer.from(`Budget line: ${canary}\n`) };

  // Ana attaches a picture and a text file and sends them with a line.
  const page = anaBrowser.page;
  await conversationLink(page, 'Design review').click();
  await page.locator('app-composer input[type=file]').setInputFiles([picture, notes].map((f) => ({ name: f.name, mimeType: f.type, buffer: f.bytes })));
  await composerBox(page).fill('The mock-up and my notes');
  await composerBox(page).press('Enter');

  // Every device, Ana's own included, shows the picture decrypted and the file by its real name.
  for (const device of [anaBrowser, boLaptop, boPhone]) {
    const p = device.page;
    if (device !== anaBrowser) await conversationLink(p, 'Design review').click();
    await expectVisible(messageByText(p, 'The mock-up and my notes'), 30_000).catch(async (err: unknown) => {
      await screenshot(p, 'e2ee-files-missing');
      throw new Error(`${device === anaBrowser ? 'Ana' : device === boLaptop ? "Bo's laptop" : "Bo's phone"} does not show the message: ${String(err)}`);
    });
    const thumbnail = p.getByRole('button', { name: 'Open mock-up.png' }).locator('img');
    await eventually(async () => expect(await thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(480), 30_000);
    await expectVisible(p.getByRole('button', { name: 'Download notes.txt' }));
  }
  await screenshot(boLaptop.page, 'e2ee-files-desktop');
  await screenshot(boPhone.page, 'e2ee-files-phone');
  const audit = new AccessibilityAudit('e2ee-files');
  await audit.check(boLaptop.page, 'encrypted room with files', 'main');

  // Bo's laptop saves the notes: decrypted in the browser, under their name, the same bytes Ana chose.
  const laptop = boLaptop.page;
  const [download] = await Promise.all([laptop.waitForEvent('download'), laptop.getByRole('button', { name: 'Download notes.txt' }).click()]);
  expect(download.suggestedFilename()).toBe('notes.txt');
  expect(readFileSync((await download.path())!)).toEqual(notes.bytes);

  // The picture opens full size in the lightbox, decrypted.
  await laptop.getByRole('button', { name: 'Open mock-up.png' }).click();
  const lightbox = laptop.getByRole('dialog', { name: 'mock-up.png' });
  await eventually(async () => expect(await lightbox.locator('img.picture').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(800), 30_000);
  await screenshot(laptop, 'e2ee-files-lightbox');
  await audit.check(laptop, 'lightbox of an encrypted picture', '.cdk-overlay-container');
  await laptop.keyboard.press('Escape');
  await lightbox.waitFor({ state: 'detached' });

  // The Files panel lists them by their real names (the thumbnail's own upload is not a file of its own), and
  // sorts them by kind here: the server cannot tell them apart.
  await laptop.getByRole('button', { name: 'Files', exact: true }).click();
  const panel = laptop.getByRole('dialog', { name: 'Files' });
  const listed = panel.getByRole('list', { name: 'Files' }).getByRole('listitem');
  const names = async (items: typeof listed) => (await items.allInnerTexts()).map((text) => text.split('\n')[0]).sort();
  await eventually(async () => expect(await names(listed)).toEqual(['mock-up.png', 'notes.txt']), 15_000);
  await panel.getByRole('button', { name: 'Images' }).click();
  await eventually(async () => expect(await names(panel.getByRole('list', { name: 'Images' }).getByRole('listitem'))).toEqual(['mock-up.png']), 15_000);
  await screenshot(laptop, 'e2ee-files-panel');
  await audit.check(laptop, 'files panel of an encrypted room', '.cdk-overlay-container');
  audit.assertNone();
  await laptop.keyboard.press('Escape');

  // The server was told nothing of the files: two opaque uploads (the file and the picture's thumbnail made in
  // Ana's browser) per picture, nameless, and neither the text nor the picture's bytes are in its storage or logs.
  const history = await bo!.api.call<MessagePage>('GET', `/api/rooms/${room.id}/messages`);
  const sent = history.items.at(-1)!;
  expect(sent.body).toBe('');
  expect(sent.attachments).toHaveLength(3);
  expect(sent.attachments.every((a) => a.name === '' && a.mime === ENCRYPTED_UPLOAD_TYPE && !a.thumbnail)).toBe(true);
  expect(canaryFoundIn(suite.server.dataDir, suite.server.output(), canary)).toEqual([]);
  expect(canaryFoundIn(suite.server.dataDir, suite.server.output(), picture.bytes.subarray(64, 128))).toEqual([]);
});
