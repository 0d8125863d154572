import type { Page } from 'playwright-core';
import { AccessibilityAudit } from './axe';
import { screenshot } from './browser';
import { expectVisible } from './ui-expect';

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
