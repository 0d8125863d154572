import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { E2eeDeviceList, RegisterRequest } from '@parley/contracts';
import type { ApiClient } from './api-client';
import { AccessibilityAudit } from './axe';
import { BrowserSession, DESKTOP, screenshot } from './browser';
import { eventually, expectVisible } from './ui-expect';

/**
 * Saves the recovery key the first use of encryption on an account shows (the dialog holds the page until
 * then) and returns it; with `audit`, also screenshots the dialog and checks its accessibility.
 */
export async function saveRecoveryKey(page: Page, audit?: AccessibilityAudit): Promise<string> {
  const dialog = page.getByRole('alertdialog', { name: 'Save your recovery key' });
  await expectVisible(dialog, 30_000);
  const key = (await dialog.locator('[data-recovery-key]').textContent())?.trim() ?? '';
  if (audit) {
    await screenshot(page, 'e2ee-recovery-key');
    await audit.check(page, 'recovery key dialog', '.cdk-overlay-container');
  }
  await dialog.getByRole('checkbox', { name: 'I have saved my recovery key' }).check();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
  return key;
}

/**
 * Two or more people, each signed in in one browser: waits until every browser is a device with its keys on
 * the server (so a message sent next has a device to share its room key with), then saves the recovery key
 * each account's first use of encryption shows.
 */
export async function firstDevicesReady(people: readonly { api: ApiClient; page: Page }[]): Promise<void> {
  await eventually(async () => {
    for (const { api } of people) {
      const { devices } = await api.call<E2eeDeviceList>('GET', '/api/e2ee/devices');
      expect(devices.filter((d) => d.hasKeys).length).toBe(1);
    }
  }, 30_000);
  for (const { page } of people) await saveRecoveryKey(page);
}

/**
 * Each person signed in in a desktop browser of the suite, every browser a device with its keys on the server
 * and each account's recovery key saved: ready for an encrypted room.
 */
export async function signedInWithKeys(
  suite: { signedIn(account: RegisterRequest, viewport?: typeof DESKTOP): Promise<BrowserSession> },
  people: readonly { account: RegisterRequest; api: ApiClient }[],
): Promise<BrowserSession[]> {
  const sessions: BrowserSession[] = [];
  for (const person of people) sessions.push(await suite.signedIn(person.account, DESKTOP));
  await firstDevicesReady(people.map((person, i) => ({ api: person.api, page: sessions[i]!.page })));
  return sessions;
}

/** Every file under a directory (the SQLite file, its WAL, the file store, keys…). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Where the canary shows up in the server's storage and logs (UTF-8, UTF-16 and base64 spellings). */
export function canaryFoundIn(dataDir: string, logs: string, canary: string | Buffer): string[] {
  const bytes = Buffer.isBuffer(canary) ? canary : Buffer.from(canary, 'utf8');
  const spellings = [bytes, Buffer.from(bytes.toString('base64').slice(0, 16))];
  if (!Buffer.isBuffer(canary)) spellings.push(Buffer.from(canary, 'utf16le'));
  const found = filesUnder(dataDir).filter((path) => {
    const stored = readFileSync(path);
    return spellings.some((s) => stored.includes(s));
  });
  if (logs.includes(bytes.toString('base64').slice(0, 16)) || (!Buffer.isBuffer(canary) && logs.includes(canary))) found.push('server output');
  return found;
}
