/** @long-running over a minute of uploads, pictures, players and downloads in the browser (starts first: tools/scripts/jest-sequencer.cjs) */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileInfo, MessagePage, RoomSummary, fileContentUrl } from '@parley/contracts';
import { Locator, Page } from 'playwright-core';
import { ApiClient } from './support/api-client';
import { AccessibilityAudit } from './support/axe';
import { DESKTOP, PHONE } from './support/browser';
import { composerBox, conversationLink, messageByText, messageRegion } from './support/chat-scene';
import { TestFile, dragFilesOver, makeBlob, makePdf, makePicture, makeWav, recordVideo, uploadViaApi } from './support/files';
import { browserSuite } from './support/suite';
import { eventually, expectCount, expectFocused, expectHidden, expectText, expectVisible } from './support/ui-expect';

/**
 * Files in rooms, in the browser: dropped, pasted or chosen files upload into a tray above the composer
 * (resumably, through tus) and go with the next message; the other members see pictures inline at once, open
 * them in a lightbox, play media in the browser's own players and download everything else; the Files panel
 * lists what was shared, and whoever may removes a file there for everyone. An upload that loses the connection
 * goes on where it stopped.
 */

const MAX_BYTES = 20 * 1024 * 1024;
const suite = browserSuite({ FILE_MAX_BYTES: String(MAX_BYTES) });

async function roomWith(name: string): Promise<{ room: RoomSummary; ana: ApiClient; bo: ApiClient; accounts: Awaited<ReturnType<typeof suite.people>> }> {
  const people = await suite.people('ana', 'bo');
  const [ana, bo] = people.map((p) => p.api) as [ApiClient, ApiClient];
  await suite.befriend(ana, bo);
  const room = await ana.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name, memberIds: [bo.user.id] });
  return { room, ana, bo, accounts: people };
}

const tray = (page: Page) => page.getByRole('list', { name: 'Files to send' });
const trayItem = (page: Page, name: string) => tray(page).getByRole('listitem').filter({ hasText: name });
const messageWithFile = (page: Page, name: string) =>
  messageRegion(page).locator('app-message-item').filter({ has: page.locator('app-message-attachments', { hasText: name }).or(page.getByRole('button', { name: `Open ${name}` })) });

/** A message by its words, also while a dialog is open over the conversation (which hides it from the accessibility tree). */
const underDialog = (page: Page, text: string) => page.locator('app-message-item').filter({ has: page.locator('app-message-body', { hasText: text }) });

/** Waits until every file in the tray is uploaded and checked by the server. */
async function allReady(page: Page, count: number): Promise<void> {
  await expectCount(tray(page).getByRole('listitem'), count);
  await eventually(async () => {
    const states = await tray(page).getByRole('listitem').evaluateAll((items) => items.map((i) => i.getAttribute('data-status')));
    expect(states).toEqual(Array(count).fill('ready'));
  }, 20_000);
}

/** The picture has loaded from the server (not just its box). */
async function expectLoaded(img: Locator, urlPart: string): Promise<void> {
  await eventually(async () => {
    const state = await img.evaluate((el: HTMLImageElement) => ({ done: el.complete && el.naturalWidth > 0, src: el.currentSrc }));
    expect(state.done).toBe(true);
    expect(state.src).toContain(urlPart);
  }, 10_000);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('a picture and a PDF dragged into a room: the other member sees the picture live, opens it in the lightbox and downloads the PDF', async () => {
  const { room, accounts } = await roomWith('Launch photos');
  const [anaSession, boSession] = await Promise.all([suite.signedIn(accounts[0]!.account), suite.signedIn(accounts[1]!.account)]);
  const a = anaSession.page;
  const b = boSession.page;
  await Promise.all([a.goto(`/r/${room.id}`), b.goto(`/r/${room.id}`)]);
  await expectVisible(composerBox(a));
  await expectVisible(composerBox(b));

  const picture = await makePicture('harbour.png', 1200, 800, 200);
  const pdf = makePdf('launch-plan.pdf', 'Launch plan');
  const drag = await dragFilesOver(a, [picture, pdf]);
  await expectVisible(a.getByText('Drop files to share them'));
  await anaSession.screenshot('files-drop-zone-desktop');
  await drag.drop();
  await expectHidden(a.getByText('Drop files to share them'));

  // The tray: a local picture of the image, then both uploaded and checked.
  await expectCount(tray(a).getByRole('listitem'), 2);
  expect(await trayItem(a, 'harbour.png').locator('img').getAttribute('src')).toMatch(/^blob:/);
  await allReady(a, 2);
  await expectText(trayItem(a, 'launch-plan.pdf'), 'Ready');

  await composerBox(a).click();
  await a.keyboard.type('The harbour at dawn, and the plan');
  await a.keyboard.press('Enter');
  await expectHidden(tray(a));

  // Bo sees it live: the picture at its proportions (space kept before it loads), the PDF as a card.
  const message = messageRegion(b).locator('app-message-item').filter({ hasText: 'The harbour at dawn' });
  const open = message.getByRole('button', { name: 'Open harbour.png' });
  await expectVisible(open);
  const box = (await open.boundingBox())!;
  expect(Math.round(box.width)).toBe(360);
  expect(Math.round(box.height)).toBe(240);
  await expectLoaded(open.locator('img'), '/thumbnail');
  await expectText(message.locator('.card-file'), 'launch-plan.pdf');
  await boSession.screenshot('files-message-desktop');

  // The lightbox: the full picture, zoom, and Escape back to where it was opened.
  await open.click();
  const viewer = b.getByRole('dialog', { name: 'harbour.png' });
  await expectVisible(viewer);
  await expectLoaded(viewer.locator('img'), '/content');
  expect(await viewer.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1200);
  await viewer.getByRole('button', { name: 'Zoom in' }).click();
  await expectText(viewer.locator('.zoom'), '150%');
  await b.keyboard.press('0');
  await expectText(viewer.locator('.zoom'), '100%');
  await b.keyboard.press('Escape');
  await expectHidden(viewer);
  await expectFocused(open);

  // The PDF downloads with its name and its exact bytes.
  const [download] = await Promise.all([b.waitForEvent('download'), message.getByRole('link', { name: 'Download launch-plan.pdf' }).click()]);
  expect(download.suggestedFilename()).toBe('launch-plan.pdf');
  expect(readFileSync((await download.path())!)).toEqual(pdf.bytes);

  await anaSession.assertClean();
  await boSession.assertClean();
});

test('an upload cut off by going offline pauses, and goes on from where it stopped when the connection is back', async () => {
  const { room, bo, accounts } = await roomWith('Backups');
  const session = await suite.signedIn(accounts[0]!.account);
  const { page, context } = session;
  await page.goto(`/r/${room.id}`);
  await expectVisible(composerBox(page));

  // A slow line (2 MB/s up), so that the connection goes while the file is on its way.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
  const requests: { method: string; url: string; offset: number | null }[] = [];
  page.on('request', (req) => {
    if (!req.url().includes('/api/uploads')) return;
    const offset = req.headers()['upload-offset'];
    requests.push({ method: req.method(), url: req.url(), offset: offset === undefined ? null : Number(offset) });
  });

  const backup = makeBlob('site-backup.bin', 12 * 1024 * 1024);
  await page.locator('app-composer input[type=file]').setInputFiles({ name: backup.name, mimeType: backup.type, buffer: backup.bytes });
  const item = trayItem(page, 'site-backup.bin');
  const bar = item.getByRole('progressbar', { name: 'Uploading site-backup.bin' });
  await eventually(async () => expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(10), 20_000);
  await session.screenshot('files-tray-progress-desktop');

  await context.setOffline(true);
  await expectText(item, 'Waiting for the connection');
  await expectText(page.locator('.connection'), "You're offline");
  const pausedAt = Number(await bar.getAttribute('aria-valuenow'));
  expect(pausedAt).toBeLessThan(100);
  await session.screenshot('files-tray-offline-desktop');
  const before = requests.length;

  await context.setOffline(false);
  await eventually(async () => expect(await item.getAttribute('data-status')).toBe('ready'), 30_000);

  // It went on from what the server had (HEAD, then PATCH from a non-zero offset), not from the start.
  const after = requests.slice(before);
  expect(after.some((r) => r.method === 'HEAD')).toBe(true);
  const resumed = after.filter((r) => r.method === 'PATCH');
  expect(resumed.length).toBeGreaterThan(0);
  expect(resumed[0]!.offset).toBeGreaterThan(0);
  expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);

  await page.getByRole('button', { name: 'Send message' }).click();
  await expectHidden(tray(page));
  await expectVisible(messageWithFile(page, 'site-backup.bin'));
  // A message of files and no words says in the room list what it carries.
  await expectText(conversationLink(page, 'Backups'), 'You: 📎 site-backup.bin');

  // Bo gets the very bytes.
  const { items } = await bo.call<MessagePage>('GET', `/api/rooms/${room.id}/messages`);
  const sent = items.at(-1)!;
  expect(sent.attachments).toEqual([expect.objectContaining({ name: 'site-backup.bin', size: backup.bytes.length })]);
  const got = await bo.download(fileContentUrl(sent.attachments[0]!.id));
  expect(got.status).toBe(200);
  expect(sha256(got.bytes)).toBe(sha256(backup.bytes));
  session.forgetOfflineNoise();
  await session.assertClean();
});

test('an upload stopped by a reload is still in the tray; adding the same file again goes on from where it was', async () => {
  const { room, bo, accounts } = await roomWith('Reloads');
  // At phone width: the tray is one row that scrolls sideways.
  const session = await suite.signedIn(accounts[0]!.account, PHONE);
  const { page, context } = session;
  await page.goto(`/r/${room.id}`);
  await expectVisible(composerBox(page));
  // A file on disk, so that choosing it again is the same file (name, size and modification time).
  const archive = makeBlob('photos-2026.zip', 10 * 1024 * 1024, 11);
  const path = join(mkdtempSync(join(tmpdir(), 'parley-files-')), archive.name);
  writeFileSync(path, archive.bytes);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });

  await page.locator('app-composer input[type=file]').setInputFiles(path);
  const item = trayItem(page, archive.name);
  const bar = item.getByRole('progressbar');
  await eventually(async () => expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(20), 20_000);
  const trayBox = (await tray(page).boundingBox())!;
  expect(trayBox.x + trayBox.width).toBeLessThanOrEqual(PHONE.width);
  await session.screenshot('files-tray-progress-phone');

  await page.reload();
  await expectVisible(composerBox(page));
  await expectText(item, 'The page was reloaded: add this file again to resume.');
  await session.screenshot('files-tray-after-reload-phone');

  const requests: { method: string; offset: number | null }[] = [];
  page.on('request', (req) => {
    if (!req.url().includes('/api/uploads')) return;
    const offset = req.headers()['upload-offset'];
    requests.push({ method: req.method(), offset: offset === undefined ? null : Number(offset) });
  });
  await page.locator('app-composer input[type=file]').setInputFiles(path);
  await expectCount(tray(page).getByRole('listitem'), 1);
  await eventually(async () => expect(await item.getAttribute('data-status')).toBe('ready'), 30_000);
  // No new upload: the one the server had was found again (tus keeps its address) and went on.
  expect(requests.filter((r) => r.method === 'POST')).toEqual([]);
  expect(requests.find((r) => r.method === 'PATCH')?.offset).toBeGreaterThan(0);

  await page.getByRole('button', { name: 'Send message' }).click();
  await expectHidden(tray(page));
  await eventually(async () => expect((await bo.call<MessagePage>('GET', `/api/rooms/${room.id}/messages`)).items).toHaveLength(1));
  const { items } = await bo.call<MessagePage>('GET', `/api/rooms/${room.id}/messages`);
  const got = await bo.download(fileContentUrl(items.at(-1)!.attachments[0]!.id));
  expect(sha256(got.bytes)).toBe(sha256(archive.bytes));
  await session.assertClean();
});

test('a file over the server\'s limit is refused before a byte is sent, saying why; the others go', async () => {
  const { room, accounts } = await roomWith('Big files');
  const session = await suite.signedIn(accounts[0]!.account);
  const { page } = session;
  await page.goto(`/r/${room.id}`);
  await expectVisible(composerBox(page));
  const uploads: string[] = [];
  page.on('request', (req) => {
    if (req.url().includes('/api/uploads')) uploads.push(req.method());
  });

  const huge = makeBlob('huge.bin', MAX_BYTES + 1);
  const small = makeBlob('notes.bin', 2048);
  await page.locator('app-composer input[type=file]').setInputFiles([
    { name: huge.name, mimeType: huge.type, buffer: huge.bytes },
    { name: small.name, mimeType: small.type, buffer: small.bytes },
  ]);
  await expectText(trayItem(page, 'huge.bin').getByRole('alert'), '“huge.bin” is 20 MB; files can be up to 20 MB.');
  await eventually(async () => expect(await trayItem(page, 'notes.bin').getAttribute('data-status')).toBe('ready'), 10_000);
  expect(uploads.filter((m) => m === 'POST')).toHaveLength(1);

  // Sending takes what is ready; the refused file stays with its reason until removed.
  await page.getByRole('button', { name: 'Send message' }).click();
  await expectVisible(messageWithFile(page, 'notes.bin'));
  await expectCount(tray(page).getByRole('listitem'), 1);
  await trayItem(page, 'huge.bin').getByRole('button', { name: 'Remove huge.bin' }).click();
  await expectHidden(tray(page));
  await session.assertClean();
});

test('several pictures make a grid; the lightbox steps through them with the arrow keys, keeps the focus inside and downloads', async () => {
  const { room, ana, accounts } = await roomWith('Site visit');
  const pictures: TestFile[] = [];
  for (const [i, [w, h]] of [
    [1600, 1200],
    [900, 1200],
    [1200, 800],
    [1000, 1000],
    [1400, 700],
  ].entries()) {
    pictures.push(await makePicture(`site-${i + 1}.jpg`, w!, h!, 20 + i * 60, 'jpeg'));
  }
  const infos: FileInfo[] = [];
  for (const p of pictures) infos.push(await uploadViaApi(suite.url, ana, room.id, p));
  await ana.send(room.id, 'From the site visit', infos.map((f) => f.id));

  for (const viewport of [DESKTOP, PHONE]) {
    const where = viewport === PHONE ? 'phone' : 'desktop';
    const session = await suite.signedIn(accounts[1]!.account, viewport);
    const { page } = session;
    await page.goto(`/r/${room.id}`);
    const grid = messageRegion(page).getByRole('list', { name: 'Pictures' });
    await expectCount(grid.getByRole('button'), 5);
    for (const img of await grid.locator('img').all()) await expectLoaded(img, '/thumbnail');
    // Nothing sticks out of a phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    const gridBox = (await grid.boundingBox())!;
    expect(gridBox.x + gridBox.width).toBeLessThanOrEqual(viewport.width);
    await session.screenshot(`files-grid-${where}`);

    await grid.getByRole('button', { name: 'Open site-2.jpg' }).click();
    let viewer = page.getByRole('dialog', { name: 'site-2.jpg' });
    await expectVisible(viewer);
    await expectText(viewer, '2 of 5');
    await expectLoaded(viewer.locator('img'), fileContentUrl(infos[1]!.id));
    const shown = (await viewer.locator('img').boundingBox())!;
    expect(shown.x).toBeGreaterThanOrEqual(0);
    expect(shown.x + shown.width).toBeLessThanOrEqual(viewport.width + 0.5);
    await session.screenshot(`files-lightbox-${where}`);

    await page.keyboard.press('ArrowRight');
    viewer = page.getByRole('dialog', { name: 'site-3.jpg' });
    await expectText(viewer, '3 of 5');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    viewer = page.getByRole('dialog', { name: 'site-1.jpg' });
    await expectText(viewer, '1 of 5');
    await expectHidden(viewer.getByRole('button', { name: 'Previous picture' }));

    // Tab goes round the viewer's controls and never out of it.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await viewer.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    }

    const [download] = await Promise.all([page.waitForEvent('download'), viewer.getByRole('link', { name: 'Download site-1.jpg' }).click()]);
    expect(download.suggestedFilename()).toBe('site-1.jpg');
    expect(sha256(readFileSync((await download.path())!))).toBe(sha256(pictures[0]!.bytes));

    await page.keyboard.press('Escape');
    await expectHidden(page.getByRole('dialog'));
    await session.assertClean();
    await session.close();
  }
});

test('the Files panel lists what was shared, newest first, by kind, a page at a time; a picture opens in the lightbox', async () => {
  const { room, ana, accounts } = await roomWith('Archive');
  const picture = await makePicture('poster.png', 800, 1000, 320);
  const pdf = makePdf('minutes.pdf', 'Minutes');
  const first = await uploadViaApi(suite.url, ana, room.id, picture);
  await ana.send(room.id, 'Poster', [first.id]);
  // 31 small files after it, in messages of up to ten: more than one page.
  const blobs: FileInfo[] = [];
  for (let i = 0; i < 31; i++) blobs.push(await uploadViaApi(suite.url, ana, room.id, makeBlob(`log-${String(i + 1).padStart(2, '0')}.bin`, 512, i + 1)));
  for (let i = 0; i < blobs.length; i += 10) await ana.send(room.id, '', blobs.slice(i, i + 10).map((f) => f.id));
  const minutes = await uploadViaApi(suite.url, ana, room.id, pdf);
  await ana.send(room.id, 'Minutes', [minutes.id]);

  for (const viewport of [DESKTOP, PHONE]) {
    const where = viewport === PHONE ? 'phone' : 'desktop';
    const session = await suite.signedIn(accounts[1]!.account, viewport);
    const { page } = session;
    await page.goto(`/r/${room.id}`);
    await page.getByRole('button', { name: 'Files', exact: true }).click();
    const panel = page.getByRole('dialog', { name: 'Files' });
    const list = panel.getByRole('list', { name: 'Files' });
    await expectCount(list.getByRole('listitem'), 30);
    // Newest first: the minutes, then the logs from the last one down.
    await expectText(list.getByRole('listitem').first(), 'minutes.pdf');
    await expectText(list.getByRole('listitem').nth(1), 'log-31.bin');
    await session.screenshot(`files-panel-${where}`);
    await panel.getByRole('button', { name: 'Load more' }).click();
    await expectCount(list.getByRole('listitem'), 33);
    await expectText(list.getByRole('listitem').last(), 'poster.png');
    await expectHidden(panel.getByRole('button', { name: 'Load more' }));

    await panel.getByRole('button', { name: 'Documents' }).click();
    const documents = panel.getByRole('list', { name: 'Documents' });
    await expectCount(documents.getByRole('listitem'), 1);
    await expectText(documents, 'minutes.pdf');
    await panel.getByRole('button', { name: 'Videos' }).click();
    await expectText(panel.getByRole('status'), 'No videos have been shared here yet.');
    await panel.getByRole('button', { name: 'Images' }).click();
    const images = panel.getByRole('list', { name: 'Images' });
    await expectCount(images.getByRole('listitem'), 1);
    await expectLoaded(images.locator('img'), '/thumbnail');
    await session.screenshot(`files-panel-images-${where}`);

    await images.getByRole('button', { name: 'Open poster.png' }).click();
    const viewer = page.getByRole('dialog', { name: 'poster.png' });
    await expectVisible(viewer);
    await page.keyboard.press('Escape');
    await expectHidden(viewer);
    await expectVisible(panel);
    await page.keyboard.press('Escape');
    await expectHidden(panel);
    await session.assertClean();
    await session.close();
  }
});

test('video and audio play in the browser\'s own players, straight from the server', async () => {
  const { room, ana, accounts } = await roomWith('Recordings');
  const session = await suite.signedIn(accounts[1]!.account);
  const { page } = session;
  const video = await recordVideo(page, 'demo.webm');
  const sound = makeWav('chime.wav', 1);
  const files = [await uploadViaApi(suite.url, ana, room.id, video), await uploadViaApi(suite.url, ana, room.id, sound)];
  expect(files.map((f) => f.category)).toEqual(['video', 'audio']);
  await ana.send(room.id, 'The demo, and the chime', files.map((f) => f.id));

  await page.goto(`/r/${room.id}`);
  const message = messageRegion(page).locator('app-message-item').filter({ hasText: 'The demo, and the chime' });
  const player = message.locator('video');
  await expectVisible(player);
  expect(await player.getAttribute('src')).toBe(fileContentUrl(files[0]!.id));
  expect(await player.evaluate((v: HTMLVideoElement) => v.controls)).toBe(true);
  // The browser reads the video's header from the server (its own Range requests) and knows how long it is.
  await eventually(async () => expect(await player.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(1), 10_000);
  const audio = message.locator('audio');
  expect(await audio.getAttribute('src')).toBe(fileContentUrl(files[1]!.id));
  await audio.evaluate((a: HTMLAudioElement) => a.load());
  await eventually(async () => expect(await audio.evaluate((a: HTMLAudioElement) => a.duration)).toBeCloseTo(1, 1), 10_000);
  await expectVisible(message.getByRole('link', { name: 'Download chime.wav' }));
  await expectVisible(message.getByRole('link', { name: 'Download demo.webm' }));
  await session.screenshot('files-media-desktop');
  await session.assertClean();
});

test('the uploader removes files from the Files panel after confirming: they leave the panel and the other member\'s conversation live; a plain member cannot remove others\' files', async () => {
  const { room, ana, bo, accounts } = await roomWith('Quarterly');
  // Bo, a plain member, shares a report with words, and a draft on its own; Ana (the room's owner) a budget.
  const report = await uploadViaApi(suite.url, bo, room.id, makePdf('report.pdf', 'Q3 report'));
  await bo.send(room.id, 'The Q3 report, as promised', [report.id]);
  const draft = await uploadViaApi(suite.url, bo, room.id, makeBlob('draft.bin', 2048, 3));
  await bo.send(room.id, '', [draft.id]);
  const budget = await uploadViaApi(suite.url, ana, room.id, makePdf('budget.pdf', 'Budget'));
  await ana.send(room.id, 'And the budget', [budget.id]);
  const stale = await uploadViaApi(suite.url, bo, room.id, makeBlob('old-notes.bin', 1024, 5));
  await bo.send(room.id, 'Old notes', [stale.id]);

  const [anaSession, boSession] = await Promise.all([suite.signedIn(accounts[0]!.account), suite.signedIn(accounts[1]!.account)]);
  const a = anaSession.page;
  const b = boSession.page;
  // Bo's live updates pass through here, so that one of them can be held back below (a removal he has not heard of yet).
  let holdUpdates = false;
  await b.routeWebSocket(/socket\.io/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((frame) => {
      if (!(holdUpdates && typeof frame === 'string' && frame.includes('"message:updated"'))) ws.send(frame);
    });
  });
  await Promise.all([a.goto(`/r/${room.id}`), b.goto(`/r/${room.id}`)]);
  await expectVisible(messageWithFile(a, 'report.pdf'));
  await expectVisible(messageWithFile(a, 'draft.bin'));

  await b.getByRole('button', { name: 'Files', exact: true }).click();
  const panel = b.getByRole('dialog', { name: 'Files' });
  const list = panel.getByRole('list', { name: 'Files' });
  await expectCount(list.getByRole('listitem'), 4);
  const removeButton = (name: string) => panel.getByRole('button', { name: `Remove ${name}` });
  // Bo may remove what he shared, not Ana's budget (he can still download it).
  await expectCount(removeButton('report.pdf'), 1);
  await expectCount(removeButton('draft.bin'), 1);
  await expectCount(removeButton('budget.pdf'), 0);
  await expectVisible(panel.getByRole('link', { name: 'Download budget.pdf' }));

  // With a mouse, Remove shows on the row under the pointer or holding the keyboard focus.
  const opacity = (name: string) => removeButton(name).evaluate((el) => getComputedStyle(el).opacity);
  expect(await opacity('report.pdf')).toBe('0');
  await panel.getByRole('link', { name: 'Download report.pdf' }).focus();
  await b.keyboard.press('Tab');
  await expectFocused(removeButton('report.pdf'));
  expect(await opacity('report.pdf')).toBe('1');
  await list.getByRole('listitem').filter({ hasText: 'report.pdf' }).hover();
  await boSession.screenshot('files-remove-panel-desktop');
  const audit = new AccessibilityAudit('desktop');
  await audit.check(b, 'files panel, remove', '.cdk-overlay-container');

  // Asked first, naming the file and that it goes for everyone; Cancel (the focus) keeps it.
  await b.keyboard.press('Enter');
  const confirm = b.getByRole('alertdialog', { name: 'Remove report.pdf?' });
  await expectVisible(confirm);
  await expectText(confirm, 'It is removed for everyone in Quarterly');
  await boSession.screenshot('files-remove-confirm-desktop');
  await audit.check(b, 'remove a file?', '.cdk-overlay-container');
  await expectFocused(confirm.getByRole('button', { name: 'Cancel' }));
  await b.keyboard.press('Escape');
  await expectHidden(confirm);
  await expectVisible(panel);
  await expectCount(list.getByRole('listitem'), 4);

  await removeButton('report.pdf').click();
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expectHidden(confirm);
  await expectCount(list.getByRole('listitem'), 3);
  await expectHidden(list.getByText('report.pdf'));
  await expectText(panel.locator('[aria-live]'), 'report.pdf was removed.');
  // The keyboard focus stays in the list: on the next row's Remove (here the row before, report.pdf was last).
  await expectFocused(removeButton('draft.bin'));
  // The message keeps its words and loses the file, for Ana live (and for Bo, under his panel).
  const reportMessage = messageByText(a, 'The Q3 report, as promised');
  await expectVisible(reportMessage);
  await expectCount(reportMessage.locator('app-message-attachments'), 0);
  await expectCount(underDialog(b, 'The Q3 report, as promised'), 1);
  await expectCount(underDialog(b, 'The Q3 report, as promised').locator('app-message-attachments'), 0);

  // A message of that file alone goes with it.
  await removeButton('draft.bin').click();
  await b.getByRole('alertdialog', { name: 'Remove draft.bin?' }).getByRole('button', { name: 'Remove' }).click();
  await expectCount(list.getByRole('listitem'), 2);
  await expectVisible(messageRegion(a).getByText('This message was deleted'));
  await expectCount(messageWithFile(a, 'draft.bin'), 0);

  // Ana, the room's owner, may remove anyone's file: she removes Bo's old notes from her own panel.
  await a.getByRole('button', { name: 'Files', exact: true }).click();
  const anaPanel = a.getByRole('dialog', { name: 'Files' });
  await expectCount(anaPanel.getByRole('list', { name: 'Files' }).getByRole('listitem'), 2);
  await expectCount(anaPanel.getByRole('button', { name: 'Remove budget.pdf' }), 1);
  await anaPanel.getByRole('button', { name: 'Remove old-notes.bin' }).click();
  await a.getByRole('alertdialog', { name: 'Remove old-notes.bin?' }).getByRole('button', { name: 'Remove' }).click();
  await expectCount(anaPanel.getByRole('list', { name: 'Files' }).getByRole('listitem'), 1);
  await expectCount(underDialog(b, 'Old notes'), 1);
  await expectCount(underDialog(b, 'Old notes').locator('app-message-attachments'), 0);
  // Bo's open panel hears of it too: the file leaves his list without a reload.
  await expectCount(list.getByRole('listitem'), 1);
  await expectHidden(list.getByText('old-notes.bin'));

  // A removal this page has not heard of yet (Bo removed the file in another tab; the update is held back):
  // removing it here shows the API's answer, and it leaves the list.
  const late = await uploadViaApi(suite.url, bo, room.id, makeBlob('late.bin', 512, 7));
  await bo.send(room.id, 'Late addition', [late.id]);
  await expectCount(list.getByRole('listitem'), 1); // the panel lists what it loaded; Bo reopens it to see new files
  await b.keyboard.press('Escape');
  await expectHidden(panel);
  await b.getByRole('button', { name: 'Files', exact: true }).click();
  await expectCount(list.getByRole('listitem'), 2);
  holdUpdates = true;
  await bo.call('DELETE', `/api/files/${late.id}`);
  await expectCount(messageWithFile(a, 'late.bin'), 0);
  await expectCount(list.getByRole('listitem'), 2);
  boSession.expectHttpError(404, `/api/files/${late.id}`);
  await removeButton('late.bin').click();
  await b.getByRole('alertdialog', { name: 'Remove late.bin?' }).getByRole('button', { name: 'Remove' }).click();
  await expectText(panel.getByRole('alert'), 'Could not remove late.bin: File not found');
  await expectCount(list.getByRole('listitem'), 1);
  await expectText(list, 'budget.pdf');
  await boSession.screenshot('files-remove-error-desktop');
  holdUpdates = false;

  // Archived, the room is read-only: the action goes at once.
  await ana.call('POST', `/api/rooms/${room.id}/archive`);
  await expectCount(anaPanel.getByRole('button', { name: 'Remove budget.pdf' }), 0);
  audit.assertNone();
  await anaSession.assertClean();
  await boSession.assertClean();
});

test('on a phone, Remove is always there for the files I may remove', async () => {
  const { room, ana, bo, accounts } = await roomWith('Field trip');
  const mine = await uploadViaApi(suite.url, bo, room.id, await makePicture('site-plan.png', 900, 600, 120));
  const theirs = await uploadViaApi(suite.url, ana, room.id, makePdf('permit.pdf', 'Permit'));
  await bo.send(room.id, 'The site plan', [mine.id]);
  await ana.send(room.id, 'And the permit', [theirs.id]);

  const session = await suite.signedIn(accounts[1]!.account, PHONE);
  const { page } = session;
  await page.goto(`/r/${room.id}`);
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  const panel = page.getByRole('dialog', { name: 'Files' });
  await expectCount(panel.getByRole('list', { name: 'Files' }).getByRole('listitem'), 2);
  const remove = panel.getByRole('button', { name: 'Remove site-plan.png' });
  await expectVisible(remove);
  expect(await remove.evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
  const box = (await remove.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  expect(box.width).toBeGreaterThanOrEqual(40);
  await expectCount(panel.getByRole('button', { name: 'Remove permit.pdf' }), 0);
  await expectLoaded(panel.locator('img'), '/thumbnail');
  await session.screenshot('files-remove-panel-phone');
  const audit = new AccessibilityAudit('phone');
  await audit.check(page, 'files panel, remove', '.cdk-overlay-container');

  await remove.click();
  const confirm = page.getByRole('alertdialog', { name: 'Remove site-plan.png?' });
  await expectVisible(confirm);
  await session.screenshot('files-remove-confirm-phone');
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expectCount(panel.getByRole('list', { name: 'Files' }).getByRole('listitem'), 1);
  await page.keyboard.press('Escape');
  await expectHidden(panel);
  await expectVisible(messageByText(page, 'The site plan'));
  await expectCount(messageByText(page, 'The site plan').locator('app-message-attachments'), 0);
  audit.assertNone();
  await session.assertClean();
});
