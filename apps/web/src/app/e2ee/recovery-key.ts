import bs58 from 'bs58';

/** The account data type holding this account's secrets, sealed with its recovery key. */
export const RECOVERY_ACCOUNT_DATA = 'parley.recovery';

/** What the server keeps under {@link RECOVERY_ACCOUNT_DATA}: nothing it can open. */
export interface SealedSecrets {
  v: 1;
  /** HKDF salt (base64, 32 bytes). */
  salt: string;
  /** AES-GCM nonce (base64, 12 bytes). */
  iv: string;
  /** AES-GCM ciphertext and tag of the secrets bundle's JSON (base64). */
  ciphertext: string;
  /** The backup version the bundle holds the key of (to notice a bundle that fell behind). */
  backupVersion: string;
}

// The recovery key's text form is Matrix's (the spec's "recovery key"): two prefix bytes, the 32 key bytes
// and a parity byte, in base58, in groups of four. A mistyped key fails its parity before anything is tried.
const PREFIX = [0x8b, 0x01];
const KEY_BYTES = 32;
const INFO = new TextEncoder().encode('parley recovery v1');

export class RecoveryKeyError extends Error {}

/** A new random recovery key (32 bytes from the browser's CSPRNG). */
export function newRecoveryKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(KEY_BYTES));
}

export function encodeRecoveryKey(key: Uint8Array): string {
  if (key.length !== KEY_BYTES) throw new RecoveryKeyError('A recovery key has 32 bytes.');
  const bytes = new Uint8Array(PREFIX.length + KEY_BYTES + 1);
  bytes.set(PREFIX, 0);
  bytes.set(key, PREFIX.length);
  bytes[bytes.length - 1] = bytes.subarray(0, bytes.length - 1).reduce((parity, b) => parity ^ b, 0);
  return (bs58.encode(bytes).match(/.{1,4}/g) ?? []).join(' ');
}

/** The key's bytes from what a person typed or pasted (spaces and line breaks ignored). */
export function decodeRecoveryKey(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(compact);
  } catch {
    throw new RecoveryKeyError('That is not a recovery key: it has characters a recovery key never has.');
  }
  const parity = bytes.reduce((p, b) => p ^ b, 0);
  if (bytes.length !== PREFIX.length + KEY_BYTES + 1 || bytes[0] !== PREFIX[0] || bytes[1] !== PREFIX[1] || parity !== 0) {
    throw new RecoveryKeyError('That is not a recovery key: check it for a missing or mistyped character.');
  }
  return bytes.slice(PREFIX.length, PREFIX.length + KEY_BYTES);
}

async function sealingKey(key: Uint8Array, salt: Uint8Array, usage: KeyUsage): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', key as BufferSource, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: salt as BufferSource, info: INFO }, material, { name: 'AES-GCM', length: 256 }, false, [usage]);
}

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** Seals `secrets` (the library's secrets bundle as JSON) with the recovery key: HKDF-SHA-256, then AES-256-GCM. */
export async function sealSecrets(key: Uint8Array, secrets: string, backupVersion: string): Promise<SealedSecrets> {
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const aesKey = await sealingKey(key, salt, 'encrypt');
  const additionalData = new TextEncoder().encode(`${RECOVERY_ACCOUNT_DATA}:${backupVersion}`);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, aesKey, new TextEncoder().encode(secrets)));
  return { v: 1, salt: toBase64(salt), iv: toBase64(iv), ciphertext: toBase64(ciphertext), backupVersion };
}

/** Opens what {@link sealSecrets} made; a wrong key (or a changed record) fails. */
export async function openSecrets(key: Uint8Array, sealed: SealedSecrets): Promise<string> {
  if (sealed?.v !== 1 || typeof sealed.ciphertext !== 'string') throw new RecoveryKeyError('The recovery data on the server is not in a form this app knows.');
  const aesKey = await sealingKey(key, fromBase64(sealed.salt), 'decrypt');
  const additionalData = new TextEncoder().encode(`${RECOVERY_ACCOUNT_DATA}:${sealed.backupVersion}`);
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(sealed.iv) as BufferSource, additionalData }, aesKey, fromBase64(sealed.ciphertext) as BufferSource);
    return new TextDecoder().decode(plain);
  } catch {
    throw new RecoveryKeyError("This recovery key does not open this account's key backup. Check it, or use the latest one you saved.");
  }
}
