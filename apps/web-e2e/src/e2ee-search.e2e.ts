import { RoomSummary, SearchPage } from '@parley/contracts';
import { Page } from 'playwright-core';
import { signedInWithKeys } from './support/e2ee';
import { AccessibilityAudit } from './support/axe';
import { screenshot } from './support/browser';
import { composerBox, conversationLink, messageByText } from './support/chat-scene';
import { browserSuite } from './support/suite';
import { eventually, expectAttribute, expectHidden, expectText, expectVisible } from './support/ui-expect';

// Groups with people who are not friends.
const suite = browserSuite({ DM_POLICY: 'anyone' });

const searchDialog = (page: Page) => page.getByRole('dialog', { name: 'Search messages' });
const searchBox = (page: Page) => searchDialog(page).getByRole('combobox', { name: 'Search messages' });
const results = (page: Page) => searchDialog(page).getByRole('listbox', { name: 'Search results' }).getByRole('option');

/**
 * Everything this origin keeps in IndexedDB, as text: every string, and the bytes of every binary value
 * read as Latin-1, UTF-8 and UTF-16 (keys are left out: their bytes cannot be read from a page). With the
 * number of sealed search entries of this device.
 */
function indexedDbContents(page: Page): Promise<{ databases: string[]; text: string; searchEntries: number }> {
  return page.evaluate(async () => {
    const parts: string[] = [];
    const bytes = (view: Uint8Array) => {
      parts.push(new TextDecoder('latin1').decode(view), new TextDecoder().decode(view), new TextDecoder('utf-16le').decode(view));
    };
    const walk = (value: unknown, depth: number): void => {
      if (depth > 20 || value === null || value === undefined) return;
      if (typeof value === 'string') parts.push(value);
      else if (value instanceof ArrayBuffer) bytes(new Uint8Array(value));
      else if (ArrayBuffer.isView(value)) bytes(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      else if (value instanceof CryptoKey) return;
      else if (typeof value === 'object') for (const v of Object.values(value as object)) walk(v, depth + 1);
    };
    const databases = (await indexedDB.databases()).map((d) => d.name!).filter(Boolean);
    let searchEntries = 0;
    for (const name of databases) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const values = await new Promise<unknown[]>((resolve, reject) => {
          const req = db.transaction(store, 'readonly').objectStore(store).getAll();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        if (name.endsWith('::parley-search') && store === 'entries') searchEntries += values.length;
        walk(values, 0);
      }
      db.close();
    }
    return { databases, text: parts.join('\n'), searchEntries };
  });
}

test('a message of an encrypted room is found in the search dialog, on this device only: not by the server, not in clear in IndexedDB, gone with sign-out', async () => {
  const [ana, bo] = await suite.people('ana', 'bo');
  const tag = ana!.account.username.slice(-5);
  const secret = `saffron${Math.random().toString(36).slice(2, 8)}`;
  const shared = `quince${Math.random().toString(36).slice(2, 8)}`;
  const vault = await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: `Vault ${tag}`, memberIds: [bo!.api.user.id], encrypted: true });
  const garden = await ana!.api.call<RoomSummary>('POST', '/api/rooms', { kind: 'group', name: `Garden ${tag}`, memberIds: [bo!.api.user.id] });
  await ana!.api.call('POST', `/api/rooms/${garden.id}/messages`, { body: `Plain ${shared} notes`, clientMsgId: `${tag}-garden` });

  // Both browsers are devices with keys before Bo writes (so Ana's receives the room key), recovery keys saved.
  const [anaSession, boSession] = await signedInWithKeys(suite, [ana!, bo!]);
  const { page } = anaSession;

  const bp = boSession.page;
  await conversationLink(bp, vault.name).click();
  await composerBox(bp).fill(`The ${secret} gate opens at nine, bring ${shared}`);
  await composerBox(bp).press('Enter');
  await expectVisible(messageByText(bp, new RegExp(secret)));

  // Ana's browser reads it (and so keeps it for search on this device).
  await conversationLink(page, vault.name).click();
  await eventually(async () => expect(await messageByText(page, new RegExp(secret)).count()).toBe(1), 30_000);

  // The server's search knows nothing of it.
  const server = await ana!.api.call<SearchPage>('GET', `/api/search?q=${secret}`);
  expect(server.results).toEqual([]);

  // The dialog finds it, under "On this device", and says how far encrypted rooms are searched.
  await page.keyboard.press('Control+k');
  await expectVisible(searchDialog(page));
  await expectVisible(searchDialog(page).getByText('Encrypted rooms are searched here, on this device, and only in the messages it has decrypted.'));
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await searchBox(page).fill(secret.toUpperCase());
  await eventually(async () => expect(await results(page).count()).toBe(1), 10_000);
  await expectVisible(searchDialog(page).getByRole('group', { name: `${vault.name}, on this device` }));
  await expectVisible(searchDialog(page).getByText('On this device', { exact: true }));
  await expectText(results(page).first(), `The ${secret} gate opens at nine`);
  await expectText(results(page).first().locator('mark'), secret);
  await expectText(results(page).first(), bo!.account.displayName);

  // A word in both kinds of room: this device's result first, then the server's.
  await searchBox(page).fill(shared);
  await eventually(async () => expect(await results(page).count()).toBe(2), 10_000);
  await expectVisible(searchDialog(page).getByRole('group', { name: `${vault.name}, on this device` }));
  await expectVisible(searchDialog(page).getByRole('group', { name: garden.name }));
  await expectText(results(page).first(), 'gate opens');
  await expectText(results(page).nth(1), `Plain ${shared} notes`);
  await screenshot(page, 'e2ee-search-dialog');
  const audit = new AccessibilityAudit('e2ee-search');
  await audit.check(page, 'search dialog with results on this device', '.cdk-overlay-container');
  audit.assertNone();

  // The room chip set to the encrypted room: the query does not go to the server at all.
  await searchDialog(page).getByRole('combobox', { name: 'Room' }).selectOption({ label: vault.name });
  await eventually(async () => expect(await results(page).count()).toBe(1), 10_000);
  expect(requests.filter((url) => url.includes('/api/search') && url.includes(`roomId=${vault.id}`))).toEqual([]);

  // Enter opens it in its room, like a server result.
  await searchBox(page).press('Enter');
  await expectHidden(searchDialog(page));
  await page.waitForURL((url) => url.pathname === `/r/${vault.id}` && url.searchParams.get('at') === '1');
  const found = messageByText(page, new RegExp(secret));
  await expectVisible(found);
  await expectAttribute(found, 'class', /highlighted/);

  // IndexedDB holds a sealed entry, and the words nowhere in clear.
  const stored = await indexedDbContents(page);
  expect(stored.searchEntries).toBe(1);
  expect(stored.text).not.toContain(secret);
  expect(stored.text).not.toContain(shared);

  // After a reload the entry is still there (read back from IndexedDB the first time search is used).
  await page.reload();
  await expectVisible(conversationLink(page, vault.name));
  await page.keyboard.press('Control+k');
  await searchBox(page).fill(secret);
  await eventually(async () => expect(await results(page).count()).toBe(1), 30_000);
  await page.keyboard.press('Escape');
  await expectHidden(searchDialog(page));

  // Signing out deletes it with the device's keys.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL((url) => url.pathname === '/login');
  // (Names only: opening a database while its deletion is pending would make it anew.)
  await eventually(async () => {
    const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
    expect(names.filter((name) => name.includes('::parley-search'))).toEqual([]);
  }, 10_000);

  await anaSession.assertClean();
  await boSession.assertClean();
});
