import { createCipheriv, createDecipheriv, createHmac, createSecretKey, KeyObject, randomBytes, randomFillSync } from 'node:crypto';

/**
 * Envelope encryption with node:crypto's AES-256-GCM, nothing hand-written: random 256-bit data keys encrypt
 * the data; a master key wraps (encrypts) each data key. Every ciphertext carries a fresh 12-byte random IV
 * and GCM's 16-byte tag, and is bound by additional data (AAD) to where it is stored, so a ciphertext copied
 * into another row or object does not decrypt.
 */

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Data keys are named by 8 random bytes, in hex. */
const KEY_ID_BYTES = 8;

/** Stored text that is a ciphertext: `pe1.<data key id>.<base64url(iv | ciphertext | tag)>`. */
export const SEALED_TEXT_PREFIX = 'pe1.';
/**
 * Stored plaintext that would otherwise look like a ciphertext (written with encryption off) is kept behind
 * this prefix, so no text a user writes can pass for a ciphertext.
 */
export const PLAIN_TEXT_ESCAPE = 'pe0.';
const SEALED_TEXT = /^pe1\.([0-9a-f]{16})\.([A-Za-z0-9_-]+)$/;

/** Stored bytes that are a ciphertext: `PEB1 | data key id (8 bytes) | iv | ciphertext | tag`. */
const SEALED_BYTES_MAGIC = Buffer.from('PEB1', 'latin1');
const BYTES_HEADER = SEALED_BYTES_MAGIC.length + KEY_ID_BYTES;

/** A ciphertext that does not decrypt: wrong key, wrong additional data (another row's), or altered bytes. */
export class DecryptionFailed extends Error {}

export interface DataKey {
  id: string;
  key: KeyObject;
}

/** The id of a master key: derived from the key itself, so the database can name the key it needs without holding it. */
export function masterKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('parley master key id').digest('hex').slice(0, 16);
}

export function newDataKeyId(): string {
  return randomBytes(KEY_ID_BYTES).toString('hex');
}

export function newKeyBytes(): Buffer {
  return randomBytes(KEY_BYTES);
}

export function dataKey(id: string, bytes: Buffer): DataKey {
  if (bytes.length !== KEY_BYTES) throw new Error(`A data key must be ${KEY_BYTES} bytes`);
  return { id, key: createSecretKey(bytes) };
}

// IVs come from the CSPRNG in bulk: one randomBytes call per message cost more than the encryption itself.
// Each IV is taken once and never reused.
const ivPool = Buffer.alloc(IV_BYTES * 4096);
let ivOffset = ivPool.length;
function freshIv(): Buffer {
  if (ivOffset === ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + IV_BYTES));
  ivOffset += IV_BYTES;
  return iv;
}

/** `iv | ciphertext | tag` of `plaintext` under `key`, bound to `aad`. */
export function encrypt(key: KeyObject | Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const last = cipher.final();
  return Buffer.concat([iv, body, last, cipher.getAuthTag()]);
}

/** The plaintext of `iv | ciphertext | tag`; DecryptionFailed unless key, bytes and `aad` are exactly those it was sealed with. */
export function decrypt(key: KeyObject | Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptionFailed('The ciphertext is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionFailed('The ciphertext does not decrypt with this key and additional data');
  }
}

const wrapAad = (dataKeyId: string) => Buffer.from(`parley data key:${dataKeyId}`, 'utf8');

/** A data key encrypted under a master key (base64), bound to the data key's id. */
export function wrapDataKey(master: Buffer, dataKeyId: string, bytes: Buffer): string {
  return encrypt(master, bytes, wrapAad(dataKeyId)).toString('base64');
}

export function unwrapDataKey(master: Buffer, dataKeyId: string, wrapped: string): Buffer {
  const bytes = decrypt(master, Buffer.from(wrapped, 'base64'), wrapAad(dataKeyId));
  if (bytes.length !== KEY_BYTES) throw new DecryptionFailed(`Data key ${dataKeyId} is not ${KEY_BYTES} bytes`);
  return bytes;
}

// The format's version and the data key's id are part of the additional data too: nothing in a stored
// ciphertext can be changed without its tag failing.
const textAad = (keyId: string, aad: string) => Buffer.from(`${SEALED_TEXT_PREFIX}${keyId}|${aad}`, 'utf8');

export function sealText(key: DataKey, plaintext: string, aad: string): string {
  return `${SEALED_TEXT_PREFIX}${key.id}.${encrypt(key.key, Buffer.from(plaintext, 'utf8'), textAad(key.id, aad)).toString('base64url')}`;
}

/** The data key id of stored text that is a ciphertext, or null for plaintext. */
export function sealedTextKeyId(stored: string): string | null {
  if (!stored.startsWith(SEALED_TEXT_PREFIX)) return null;
  const m = SEALED_TEXT.exec(stored);
  return m ? m[1] : null;
}

export function openSealedText(key: DataKey, stored: string, aad: string): string {
  const m = SEALED_TEXT.exec(stored);
  if (!m || m[1] !== key.id) throw new DecryptionFailed('Not a ciphertext of this data key');
  return decrypt(key.key, Buffer.from(m[2], 'base64url'), textAad(key.id, aad)).toString('utf8');
}

/** Plaintext as stored with encryption off: escaped only when it would look like stored ciphertext or an escape. */
export function storedPlainText(plaintext: string): string {
  return plaintext.startsWith(SEALED_TEXT_PREFIX) || plaintext.startsWith(PLAIN_TEXT_ESCAPE) ? `${PLAIN_TEXT_ESCAPE}${plaintext}` : plaintext;
}

/** The plaintext of stored text that is not a ciphertext. */
export function readPlainText(stored: string): string {
  return stored.startsWith(PLAIN_TEXT_ESCAPE) ? stored.slice(PLAIN_TEXT_ESCAPE.length) : stored;
}

const bytesAad = (keyId: string, aad: string) => Buffer.from(`PEB1.${keyId}|${aad}`, 'utf8');

export function sealBytes(key: DataKey, plaintext: Buffer, aad: string): Buffer {
  return Buffer.concat([SEALED_BYTES_MAGIC, Buffer.from(key.id, 'hex'), encrypt(key.key, plaintext, bytesAad(key.id, aad))]);
}

/** The data key id of stored bytes that are a ciphertext, or null for plaintext (such as a WebP picture, `RIFF…`). */
export function sealedBytesKeyId(stored: Buffer): string | null {
  if (stored.length < BYTES_HEADER || !stored.subarray(0, SEALED_BYTES_MAGIC.length).equals(SEALED_BYTES_MAGIC)) return null;
  return stored.subarray(SEALED_BYTES_MAGIC.length, BYTES_HEADER).toString('hex');
}

export function openSealedBytes(key: DataKey, stored: Buffer, aad: string): Buffer {
  if (sealedBytesKeyId(stored) !== key.id) throw new DecryptionFailed('Not a ciphertext of this data key');
  return decrypt(key.key, stored.subarray(BYTES_HEADER), bytesAad(key.id, aad));
}
