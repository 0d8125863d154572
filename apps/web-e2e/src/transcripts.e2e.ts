import { RoomSummary } from '@parley/contracts';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { AccessibilityAudit } from './support/axe';
import { DESKTOP, PHONE, screenshot } from './support/browser';
import { composerBox, conversationLink, messageByText } from './support/chat-scene';
import { saveRecoveryKey } from './support/e2ee';
import { browserSuite } from './support/suite';
import { expectVisible } from './support/ui-expect';

const suite = browserSuite({ DM_POLICY: 'anyone' });

/** Exports the open room's transcript from its settings in `format` and returns the saved file's name and text. */
async function exportTranscript(page: Page, roomName: string, format: string): Promise<{ name: string; text: string }> {
  await page.getByRole('button', { name: 'Room settings' }).click();
  const settings = page.getByRole('dialog', { name: roomName });
  const section = settings.getByRole('region', { name: 'Transcript' });
  await section.scrollIntoViewIfNeeded();
  await section.getByLabel('Format').selectOption({ label: format });
  const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Export' }).click()]);
  await expectVisible(section.getByRole('status').filter({ hasText: 'The transcript was saved.' }));
  return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, 'utf8') };
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
  await composerBox(page).fill('Quarterly numbers are final');
  await composerBox(page).press('Enter');
  const phone = boPhone.page;
  await conversationLink(phone, 'Board').click();
  await expectVisible(messageByText(phone, 'Quarterly numbers are final'), 30_000);
  const asked: string[] = [];
  phone.on('request', (r) => {
    if (r.url().includes('/transcript')) asked.push(r.url());
  });
  const secret = await exportTranscript(phone, 'Board', 'Markdown');
  expect(secret.name).toMatch(/^Board-.*\.md$/);
  expect(secret.text).toMatch(/^# Board\n/);
  expect(secret.text).toContain(`**${ana!.account.displayName}** · `);
  expect(secret.text).toContain('Quarterly numbers are final');
  expect(asked).toEqual([]);
  await screenshot(phone, 'transcript-settings-phone');
  await audit.check(phone, 'room settings of an encrypted room on a phone', '.cdk-overlay-container');
  audit.assertNone();
});
