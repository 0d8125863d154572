import { Message, RoomSummary } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { AccessibilityAudit } from './support/axe';
import { DESKTOP, PHONE, screenshot } from './support/browser';
import { composerBox, conversationLink, messageByText } from './support/chat-scene';
import { saveRecoveryKey } from './support/e2ee';
import { browserSuite } from './support/suite';
import { eventually, expectVisible } from './support/ui-expect';

const suite = browserSuite({ DM_POLICY: 'anyone' });

/** The part of better-sqlite3 the test writes with (the package ships no types). */
interface SqliteFile {
  prepare(sql: string): { run(...p: unknown[]): unknown };
  pragma(sql: string): unknown;
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string, options: { fileMustExist: boolean }) => SqliteFile;

/** Makes messages look `days` old in the server's SQLite file: retention is about time passing. */
function age(ids: string[], days: number): void {
  const db = new Database(join(suite.server.dataDir, 'parley.sqlite'), { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const stamp = new Date(Date.now() - days * 86_400_000).toISOString().replace('T', ' ').replace('Z', '');
    for (const id of ids) db.prepare('UPDATE messages SET "createdAt" = ? WHERE id = ?').run(stamp, id);
  } finally {
    db.close();
  }
}

/** Exports the open room's transcript from its settings in `format` and returns the saved file's name and bytes. */
async function exportTranscript(page: Page, roomName: string, format: string, withFiles = false): Promise<{ name: string; text: string; bytes: Buffer }> {
  await page.getByRole('button', { name: 'Room settings' }).click();
  const settings = page.getByRole('dialog', { name: roomName });
  const section = settings.getByRole('region', { name: 'Transcript' });
  await section.scrollIntoViewIfNeeded();
  await section.getByLabel('Format').selectOption({ label: format });
  if (withFiles) await section.getByRole('checkbox', { name: 'Include the files (a zip)' }).check();
  const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Export' }).click()]);
  await expectVisible(section.getByRole('status').filter({ hasText: 'The transcript was saved.' }));
  const bytes = readFileSync((await download.path())!);
  return { name: download.suggestedFilename(), text: bytes.toString('utf8'), bytes };
}

test('a member exports a room transcript from its settings, and an encrypted room is written in the browser', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: 'Ops notes', memberIds: [bo!.api.user.id] });
  await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: 'Board', encrypted: true, memberIds: [bo!.api.user.id] });
  const anaBrowser = await suite.signedIn(ana!.account, DESKTOP);
  const boPhone = await suite.signedIn(bo!.account, PHONE);
  await saveRecoveryKey(anaBrowser.page);
  await saveRecoveryKey(boPhone.page);
  const page = anaBrowser.page;

  // A plain room: the server writes it.
  await conversationLink(page, 'Ops notes').click();
  for (const line of ['Deploy at **noon**', 'Rollback plan attached']) {
    await composerBox(page).fill(line);
    await composerBox(page).press('Enter');
    await expectVisible(messageByText(page, line.replace(/\*/g, '')));
  }
  const plain = await exportTranscript(page, 'Ops notes', 'Plain text');
  expect(plain.name).toMatch(/^Ops-notes-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.txt$/);
  expect(plain.text).toContain('Ops notes\nTranscript from');
  expect(plain.text).toContain(`${ana!.account.displayName}: Deploy at noon`);
  expect(plain.text).toContain(`${ana!.account.displayName}: Rollback plan attached`);
  await screenshot(page, 'transcript-settings-desktop');
  const audit = new AccessibilityAudit('transcripts');
  await audit.check(page, 'room settings with the transcript section', '.cdk-overlay-container');
  await page.keyboard.press('Escape');

  // An encrypted room: Bo's phone writes it from what it decrypted; the server is never asked for it.
  await conversationLink(page, 'Board').click();
  await page.locator('app-composer input[type=file]').setInputFiles({ name: 'numbers.csv', mimeType: 'text/csv', buffer: Buffer.from('q,revenue\n3,42\n') });
  await composerBox(page).fill('Quarterly numbers are final');
  await composerBox(page).press('Enter');
  const phone = boPhone.page;
  await conversationLink(phone, 'Board').click();
  await expectVisible(messageByText(phone, 'Quarterly numbers are final'), 30_000);
  const asked: string[] = [];
  phone.on('request', (r) => {
    if (r.url().includes('/transcript')) asked.push(r.url());
  });
  await expectVisible(phone.getByRole('button', { name: 'Download numbers.csv' }), 30_000);
  const secret = await exportTranscript(phone, 'Board', 'Markdown');
  expect(secret.name).toMatch(/^Board-.*\.md$/);
  expect(secret.text).toMatch(/^# Board\n/);
  expect(secret.text).toContain(`**${ana!.account.displayName}** · `);
  expect(secret.text).toContain('Quarterly numbers are final');
  expect(secret.text).toContain('- 📎 numbers.csv (15 B)');
  // With the files: a zip written on the phone, the file decrypted there.
  await phone.keyboard.press('Escape');
  const bundle = await exportTranscript(phone, 'Board', 'Markdown', true);
  expect(bundle.name).toMatch(/^Board-.*\.zip$/);
  const zip = unzipSync(new Uint8Array(bundle.bytes));
  const csv = Object.keys(zip).find((n) => n.endsWith('/numbers.csv'))!;
  expect(new TextDecoder().decode(zip[csv])).toBe('q,revenue\n3,42\n');
  expect(new TextDecoder().decode(zip[Object.keys(zip).find((n) => n.endsWith('.md'))!])).toContain('Quarterly numbers are final');
  expect(asked).toEqual([]);
  await screenshot(phone, 'transcript-settings-phone');
  await audit.check(phone, 'room settings of an encrypted room on a phone', '.cdk-overlay-container');
  audit.assertNone();
});

test('an admin sets retention, checks the dry run, puts a person on hold and removes old messages; members see them deleted', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  const room = await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: 'Old projects', memberIds: [bo!.api.user.id] });
  const send = (who: typeof ana, body: string) => who!.api.call<Message>('POST', `/api/rooms/${room.id}/messages`, { clientMsgId: randomUUID(), body });
  const old = [await send(ana, 'Ancient plan'), await send(bo, 'Ancient reply')];
  age(
    old.map((m) => m.id),
    90,
  );
  const anaBrowser = await suite.signedIn(ana!.account, DESKTOP);
  await conversationLink(anaBrowser.page, 'Old projects').click();
  await expectVisible(messageByText(anaBrowser.page, 'Ancient plan'));

  const adminBrowser = await suite.signedIn(suite.admin, DESKTOP);
  const page = adminBrowser.page;
  await page.getByRole('link', { name: 'Admin', exact: true }).first().click();
  await page.waitForURL('**/admin');
  await screenshot(page, 'admin-people-nav');
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Records' }).click();
  await page.waitForURL('**/admin/records');
  const retention = page.getByRole('region', { name: 'Retention' });
  await retention.getByLabel('Keep messages for (days)').fill('30');
  await retention.getByRole('button', { name: 'Save' }).click();
  await expectVisible(page.getByRole('status').filter({ hasText: 'Retention is off' }));
  await retention.getByRole('button', { name: 'Dry run' }).click();
  await expectVisible(retention.getByText('A pass now would remove 2 messages and 0 files in 1 room.'));

  // Bo is put on hold: his message stays.
  const holds = page.getByRole('region', { name: 'Legal holds' });
  await holds.getByRole('searchbox', { name: 'Person' }).fill(bo!.account.username.slice(0, 6));
  await holds.getByRole('list', { name: 'Matching people' }).getByRole('button', { name: new RegExp(bo!.account.displayName) }).click();
  await holds.getByLabel('Reason').fill('Case 42');
  await holds.getByRole('button', { name: 'Put on hold' }).click();
  await expectVisible(holds.getByRole('list', { name: 'Legal holds' }).getByText(`Person: ${bo!.account.displayName}`));
  await retention.getByRole('button', { name: 'Dry run' }).click();
  await expectVisible(retention.getByText('A pass now would remove 1 message and 0 files in 1 room.'));
  await screenshot(page, 'admin-records-desktop');
  const audit = new AccessibilityAudit('admin-records');
  await audit.check(page, 'admin records page', 'main');

  // On, and run now (after confirming): Ana's old message goes, for her too, live.
  await retention.getByRole('checkbox', { name: 'Remove old messages' }).check();
  await retention.getByRole('button', { name: 'Save' }).click();
  await expectVisible(page.getByRole('status').filter({ hasText: 'Retention is on' }));
  await retention.getByRole('button', { name: 'Run now' }).click();
  await page.getByRole('alertdialog', { name: 'Remove old messages now?' }).getByRole('button', { name: 'Remove now' }).click();
  await expectVisible(retention.getByText('Removed 1 message and 0 files in 1 room.'));
  await eventually(async () => expect(await messageByText(anaBrowser.page, 'Ancient plan').count()).toBe(0), 15_000);
  await expectVisible(messageByText(anaBrowser.page, 'Ancient reply'));
  await expectVisible(anaBrowser.page.getByText('This message was deleted'));

  // A compliance export of the last 30 days: in the background, then a zip to download; both in the audit log.
  await send(ana, 'Fresh news for the record');
  const exportsSection = page.getByRole('region', { name: 'Compliance exports' });
  await exportsSection.getByRole('button', { name: 'Start export' }).click();
  const download = exportsSection.getByRole('list', { name: 'Exports' }).getByRole('link', { name: 'Download' });
  await expectVisible(download, 30_000);
  const [zipFile] = await Promise.all([page.waitForEvent('download'), download.click()]);
  const zip = unzipSync(new Uint8Array(readFileSync((await zipFile.path())!)));
  const lines = new TextDecoder().decode(zip['messages.jsonl']).trim().split('\n').map((l) => JSON.parse(l) as { roomName: string; body: string });
  expect(lines).toEqual(expect.arrayContaining([expect.objectContaining({ roomName: 'Old projects', body: 'Fresh news for the record' })]));
  const auditLog = page.getByRole('region', { name: 'Audit log' }).getByRole('list', { name: 'Audit log' });
  await eventually(async () => expect(await auditLog.getByText('downloaded a compliance export').count()).toBe(1), 15_000);
  await expectVisible(auditLog.getByText('asked for a compliance export'));
  await expectVisible(auditLog.getByText('put something on legal hold'));
  await exportsSection.scrollIntoViewIfNeeded();
  await screenshot(page, 'admin-compliance-desktop');
  await audit.check(page, 'compliance exports and the audit log', 'main');

  const phone = await suite.signedIn(suite.admin, PHONE);
  await phone.page.goto('/admin/records');
  await expectVisible(phone.page.getByRole('region', { name: 'Legal holds' }));
  await screenshot(phone.page, 'admin-records-phone');
  await audit.check(phone.page, 'admin records page on a phone', 'main');
  audit.assertNone();
});
