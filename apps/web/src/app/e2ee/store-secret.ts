/**
 * The passphrase that encrypts a device's crypto store in IndexedDB (the library's own store encryption).
 * It is random, and kept only encrypted, under an AES-GCM key that WebCrypto generated as non-extractable: the
 * key can be used by this origin's pages but its bytes can never be read out by a script, ours included, so
 * a dump of IndexedDB's values (through the page) does not open the store. The browser keeps the key itself in
 * the same profile, so a copied browser profile is protected by the disk's encryption, not by this.
 */
import { DEVICE_SEARCH_DB_SUFFIX } from './device-search/sealed-entries';

const DB_NAME = 'parley-e2ee';
const STORE = 'store-secrets';

interface SealedSecret {
  key: CryptoKey;
  iv: Uint8Array;
  ciphertext: ArrayBuffer;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb(): Promise<IDBDatabase> {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return request(open);
}

async function withStore<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await request(use(db.transaction(STORE, mode).objectStore(STORE)));
  } finally {
    db.close();
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** The store's passphrase: made (and sealed) the first time, unsealed after. */
export async function storePassphrase(storeName: string): Promise<string> {
  const sealed = await withStore<SealedSecret | undefined>('readonly', (s) => s.get(storeName));
  if (sealed) {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv as BufferSource }, sealed.key, sealed.ciphertext);
    return new TextDecoder().decode(plain);
  }
  const passphrase = toBase64(crypto.getRandomValues(new Uint8Array(32)));
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource }, key, new TextEncoder().encode(passphrase));
  await withStore('readwrite', (s) => s.put({ key, iv, ciphertext } satisfies SealedSecret, storeName));
  return passphrase;
}

/** A device that is gone (signed out): its sealed passphrase, the library's databases and its search entries are deleted. */
export async function forgetStore(storeName: string): Promise<void> {
  await withStore('readwrite', (s) => s.delete(storeName)).catch(() => undefined);
  for (const suffix of ['::matrix-sdk-crypto', '::matrix-sdk-crypto-meta', DEVICE_SEARCH_DB_SUFFIX]) {
    await request(indexedDB.deleteDatabase(`${storeName}${suffix}`) as unknown as IDBRequest<unknown>).catch(() => undefined);
  }
}
