import { DeviceSearchEntry, parseEntry } from './device-search-entry';

/**
 * The search entries of one device, in an IndexedDB database of their own, each sealed with AES-GCM under a
 * key WebCrypto generated as non-extractable (the pattern of `store-secret.ts`): no entry's text, room, sender
 * or time is stored in clear. Records are found by an HMAC of the message id (and of the room id, to drop a
 * room), under a second non-extractable key; the HMAC is also the ciphertext's associated data, so a record
 * cannot be moved to another message's place.
 *
 * The database is named after the device's crypto store plus DEVICE_SEARCH_DB_SUFFIX, and signing out
 * deletes it with that store (`forgetStore`).
 */
export const DEVICE_SEARCH_DB_SUFFIX = '::parley-search';

const VERSION = 1;
const KEYS = 'keys';
const ENTRIES = 'entries';
const KEY_ID = 'current';
const BY_ROOM = 'room';

interface Keys {
  seal: CryptoKey;
  tag: CryptoKey;
}

/** A sealed entry as IndexedDB holds it. */
export interface SealedRecord {
  /** HMAC-SHA-256 of `message:<id>` (base64). */
  ref: string;
  /** HMAC-SHA-256 of `room:<id>` (base64). */
  room: string;
  iv: Uint8Array;
  data: ArrayBuffer;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('Transaction aborted.'));
  });
}

function toBase64(bytes: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

const encoder = new TextEncoder();

/** Makes the keys, or takes the ones another tab stored first (one transaction decides). */
async function keysOf(db: IDBDatabase): Promise<Keys> {
  const fresh: Keys = {
    seal: await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
    tag: await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
  };
  const tx = db.transaction(KEYS, 'readwrite');
  const store = tx.objectStore(KEYS);
  let keys = fresh;
  const read = store.get(KEY_ID);
  read.onsuccess = () => {
    const stored = read.result as Keys | undefined;
    if (stored) keys = stored;
    else store.add(fresh, KEY_ID);
  };
  await done(tx);
  return keys;
}

export class SealedEntries {
  private closed = false;

  private constructor(
    private readonly db: IDBDatabase,
    private readonly keys: Keys,
  ) {}

  /** Opens (or creates) the database; `onGone` is called when it is being deleted (signed out, in any tab). */
  static async open(name: string, onGone: () => void): Promise<SealedEntries> {
    const open = indexedDB.open(name, VERSION);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore(KEYS);
      db.createObjectStore(ENTRIES, { keyPath: 'ref' }).createIndex(BY_ROOM, 'room');
    };
    const db = await request(open);
    // Deleted (sign-out) even while the keys are still being read: let the deletion through at once.
    let entries: SealedEntries | null = null;
    let gone = false;
    db.onversionchange = () => {
      gone = true;
      if (entries) entries.close();
      else db.close();
      onGone();
    };
    entries = new SealedEntries(db, await keysOf(db));
    if (gone) entries.close();
    return entries;
  }

  static async delete(name: string): Promise<void> {
    await request(indexedDB.deleteDatabase(name) as unknown as IDBRequest<unknown>);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    this.db.close();
  }

  async get(messageId: string): Promise<DeviceSearchEntry | null> {
    const ref = await this.tag(`message:${messageId}`);
    const record = await request<SealedRecord | undefined>(this.db.transaction(ENTRIES, 'readonly').objectStore(ENTRIES).get(ref));
    return record ? this.unseal(record) : null;
  }

  async put(entry: DeviceSearchEntry): Promise<void> {
    const record = await this.seal(await this.tag(`message:${entry.messageId}`), entry);
    const tx = this.db.transaction(ENTRIES, 'readwrite');
    tx.objectStore(ENTRIES).put(record);
    await done(tx);
  }

  /**
   * Stores several entries in two transactions (one reading, one writing), each unless the database holds a
   * newer revision of its message already (written by another tab). Answers the entries stored.
   */
  async putNewer(entries: readonly DeviceSearchEntry[]): Promise<DeviceSearchEntry[]> {
    if (entries.length === 0) return [];
    const refs = await Promise.all(entries.map((e) => this.tag(`message:${e.messageId}`)));
    const read = this.db.transaction(ENTRIES, 'readonly').objectStore(ENTRIES);
    const stored = await Promise.all(refs.map((ref) => request<SealedRecord | undefined>(read.get(ref))));
    const revs = await Promise.all(stored.map(async (record) => (record ? ((await this.unseal(record))?.rev ?? -1) : -1)));
    const newer = entries.map((entry, i) => ({ entry, ref: refs[i] })).filter((_, i) => revs[i] <= entries[i].rev);
    const records = await Promise.all(newer.map(({ entry, ref }) => this.seal(ref, entry)));
    const tx = this.db.transaction(ENTRIES, 'readwrite');
    for (const record of records) tx.objectStore(ENTRIES).put(record);
    await done(tx);
    return newer.map(({ entry }) => entry);
  }

  async remove(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    const refs = await Promise.all(messageIds.map((id) => this.tag(`message:${id}`)));
    const tx = this.db.transaction(ENTRIES, 'readwrite');
    for (const ref of refs) tx.objectStore(ENTRIES).delete(ref);
    await done(tx);
  }

  async removeRoom(roomId: string): Promise<void> {
    const room = await this.tag(`room:${roomId}`);
    const tx = this.db.transaction(ENTRIES, 'readwrite');
    const cursor = tx.objectStore(ENTRIES).index(BY_ROOM).openKeyCursor(IDBKeyRange.only(room));
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at) return;
      tx.objectStore(ENTRIES).delete(at.primaryKey);
      at.continue();
    };
    await done(tx);
  }

  /** Every entry (those that do not open, damaged or not ours, are left out). */
  async all(): Promise<DeviceSearchEntry[]> {
    const records = await request<SealedRecord[]>(this.db.transaction(ENTRIES, 'readonly').objectStore(ENTRIES).getAll());
    const entries = await Promise.all(records.map((r) => this.unseal(r)));
    return entries.filter((e): e is DeviceSearchEntry => e !== null);
  }

  private async seal(ref: string, entry: DeviceSearchEntry): Promise<SealedRecord> {
    const room = await this.tag(`room:${entry.roomId}`);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: iv as BufferSource, additionalData: encoder.encode(ref) },
      this.keys.seal,
      encoder.encode(JSON.stringify(entry)),
    );
    return { ref, room, iv, data };
  }

  private async tag(value: string): Promise<string> {
    return toBase64(await crypto.subtle.sign('HMAC', this.keys.tag, encoder.encode(value)));
  }

  private async unseal(record: SealedRecord): Promise<DeviceSearchEntry | null> {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: record.iv as BufferSource, additionalData: encoder.encode(record.ref) },
        this.keys.seal,
        record.data,
      );
      return parseEntry(JSON.parse(new TextDecoder().decode(plain)));
    } catch {
      return null;
    }
  }
}
