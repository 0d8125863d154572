import 'fake-indexeddb/auto';
import { DeviceSearchEntry } from './device-search-entry';
import { SealedEntries, SealedRecord } from './sealed-entries';

let n = 0;
const dbName = () => `parley-e2ee-test-${++n}::parley-search`;

function makeEntry(overrides: Partial<DeviceSearchEntry> = {}): DeviceSearchEntry {
  return {
    messageId: '6f1d8a2e-0000-4000-8000-000000000001',
    roomId: '9c2b7e41-0000-4000-8000-0000000000aa',
    seq: 7,
    rev: 7,
    senderId: '1a2b3c4d-0000-4000-8000-0000000000bb',
    createdAt: '2026-12-01T12:00:00.000Z',
    text: 'The vault code is marmalade-4471',
    files: ['secret-plans.pdf'],
    ...overrides,
  };
}

/** What another reader of the database (devtools, a copied profile's records) gets: the stored values as they are. */
async function rawContents(name: string): Promise<{ entries: SealedRecord[]; keys: unknown[] }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const read = <T>(store: string) =>
    new Promise<T[]>((resolve, reject) => {
      const req = db.transaction(store, 'readonly').objectStore(store).getAll();
      req.onsuccess = () => resolve(req.result as T[]);
      req.onerror = () => reject(req.error);
    });
  const contents = { entries: await read<SealedRecord>('entries'), keys: await read<unknown>('keys') };
  db.close();
  return contents;
}

/** Every byte and string of the stored records, as text, to look for plaintext in. */
function asText(records: SealedRecord[]): string {
  return records
    .map((r) => `${r.ref} ${r.room} ${Buffer.from(r.iv).toString('latin1')} ${Buffer.from(r.data).toString('latin1')} ${Buffer.from(r.data).toString('utf16le')}`)
    .join('\n');
}

describe('SealedEntries', () => {
  it('keeps entries across openings: put, get, all, a newer put replacing, remove', async () => {
    const name = dbName();
    const store = await SealedEntries.open(name, () => undefined);
    await store.put(makeEntry());
    await store.put(makeEntry({ messageId: 'm-2', text: 'second' }));
    await store.put(makeEntry({ rev: 9, text: 'edited' }));
    store.close();

    const again = await SealedEntries.open(name, () => undefined);
    expect(await again.get(makeEntry().messageId)).toEqual(makeEntry({ rev: 9, text: 'edited' }));
    expect((await again.all()).map((e) => e.text).sort()).toEqual(['edited', 'second']);
    await again.remove(['m-2']);
    expect(await again.get('m-2')).toBeNull();
    expect(await again.all()).toHaveLength(1);
    again.close();
  });

  it('stores several at once, but not over a newer revision another tab wrote', async () => {
    const store = await SealedEntries.open(dbName(), () => undefined);
    await store.put(makeEntry({ rev: 12, text: 'edited in another tab' }));
    const stored = await store.putNewer([
      makeEntry({ rev: 7, text: 'the original' }),
      makeEntry({ messageId: 'm-2', rev: 3, text: 'second' }),
      makeEntry({ messageId: 'm-3', rev: 4, text: 'third' }),
    ]);
    expect(stored.map((e) => e.text)).toEqual(['second', 'third']);
    expect((await store.all()).map((e) => e.text).sort()).toEqual(['edited in another tab', 'second', 'third']);
    expect((await store.putNewer([makeEntry({ rev: 12, text: 'the same revision again' })])).map((e) => e.text)).toEqual(['the same revision again']);
    expect(await store.putNewer([])).toEqual([]);
    store.close();
  });

  it('drops the entries of one room only', async () => {
    const store = await SealedEntries.open(dbName(), () => undefined);
    await store.put(makeEntry({ messageId: 'a-1', roomId: 'room-a' }));
    await store.put(makeEntry({ messageId: 'a-2', roomId: 'room-a' }));
    await store.put(makeEntry({ messageId: 'b-1', roomId: 'room-b' }));
    await store.removeRoom('room-a');
    expect((await store.all()).map((e) => e.messageId)).toEqual(['b-1']);
    store.close();
  });

  it('stores no text, id, sender, room or time in clear, under keys that cannot be exported', async () => {
    const name = dbName();
    const entry = makeEntry();
    const store = await SealedEntries.open(name, () => undefined);
    await store.put(entry);
    store.close();

    const { entries, keys } = await rawContents(name);
    expect(entries).toHaveLength(1);
    const stored = asText(entries);
    for (const clear of ['marmalade', 'vault', 'secret-plans', entry.messageId, entry.roomId, entry.senderId, entry.createdAt, '2026-12']) {
      expect(stored).not.toContain(clear);
    }
    expect(Object.keys(entries[0]!).sort()).toEqual(['data', 'iv', 'ref', 'room']);
    const [{ seal, tag }] = keys as { seal: CryptoKey; tag: CryptoKey }[];
    expect([seal.extractable, tag.extractable]).toEqual([false, false]);
    await expect(crypto.subtle.exportKey('raw', seal)).rejects.toThrow();
  });

  it('a record moved to another message’s place, or altered, does not open', async () => {
    const name = dbName();
    const store = await SealedEntries.open(name, () => undefined);
    await store.put(makeEntry({ messageId: 'm-1', text: 'one' }));
    await store.put(makeEntry({ messageId: 'm-2', text: 'two' }));
    // Records come in the order of their refs (HMACs): which one is first is down to the key.
    const [firstText] = (await store.all()).map((e) => e.text);
    store.close();

    const db = await new Promise<IDBDatabase>((resolve) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
    });
    const { entries } = await rawContents(name);
    const [first, second] = entries;
    await new Promise<void>((resolve) => {
      const tx = db.transaction('entries', 'readwrite');
      // The first record's ciphertext under the second's ref.
      tx.objectStore('entries').put({ ...first!, ref: second!.ref });
      tx.oncomplete = () => resolve();
    });
    db.close();
    const reopened = await SealedEntries.open(name, () => undefined);
    expect((await reopened.all()).map((e) => e.text)).toEqual([firstText]);
    reopened.close();
  });

  it('deleting the database (signing out) closes it here and tells the owner', async () => {
    const name = dbName();
    let gone = 0;
    const store = await SealedEntries.open(name, () => gone++);
    await store.put(makeEntry());
    await SealedEntries.delete(name);
    expect(gone).toBe(1);
    expect(store.isClosed).toBe(true);
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(name);
  });
});
