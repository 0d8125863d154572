import { randomBytes } from 'node:crypto';
import {
  dataKey,
  DecryptionFailed,
  masterKeyId,
  newDataKeyId,
  newKeyBytes,
  openSealedBytes,
  openSealedText,
  readPlainText,
  sealBytes,
  sealedBytesKeyId,
  sealedTextKeyId,
  sealText,
  storedPlainText,
  unwrapDataKey,
  wrapDataKey,
} from './envelope';

const makeKey = () => dataKey(newDataKeyId(), newKeyBytes());

describe('envelope encryption (AES-256-GCM, node:crypto)', () => {
  it('round-trips text and names its data key; the same text never encrypts the same way twice', () => {
    const key = makeKey();
    const text = 'Launch on **Saturday** ✅ — 周六发布';
    const a = sealText(key, text, 'messages.body:m1');
    const b = sealText(key, text, 'messages.body:m1');
    expect(a).toMatch(new RegExp(`^pe1\\.${key.id}\\.[A-Za-z0-9_-]+$`));
    expect(a).not.toBe(b); // a fresh random IV each time
    expect(a).not.toContain('Saturday');
    expect(sealedTextKeyId(a)).toBe(key.id);
    expect(openSealedText(key, a, 'messages.body:m1')).toBe(text);
    // 12-byte IV + text + 16-byte tag, in base64url.
    expect(Buffer.from(a.split('.')[2], 'base64url').length).toBe(12 + Buffer.byteLength(text) + 16);
  });

  it('refuses a ciphertext moved to another row, altered, or opened with another key', () => {
    const key = makeKey();
    const sealed = sealText(key, 'for row one only', 'messages.body:row-1');
    // Swapped into another row: the additional data names the row it was written for.
    expect(() => openSealedText(key, sealed, 'messages.body:row-2')).toThrow(DecryptionFailed);
    expect(() => openSealedText(key, sealed, 'messages.event:row-1')).toThrow(DecryptionFailed);
    // One bit changed.
    const payload = Buffer.from(sealed.split('.')[2], 'base64url');
    payload[20] ^= 1;
    expect(() => openSealedText(key, `pe1.${key.id}.${payload.toString('base64url')}`, 'messages.body:row-1')).toThrow(DecryptionFailed);
    // Another key, even under the same name.
    expect(() => openSealedText(dataKey(key.id, newKeyBytes()), sealed, 'messages.body:row-1')).toThrow(DecryptionFailed);
  });

  it('round-trips bytes, bound to their object; plaintext bytes (a WebP picture) are told apart', () => {
    const key = makeKey();
    const picture = Buffer.concat([Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 ', 'latin1'), randomBytes(300)]);
    const sealed = sealBytes(key, picture, 'avatars:u1:a.webp');
    expect(sealedBytesKeyId(sealed)).toBe(key.id);
    expect(sealedBytesKeyId(picture)).toBeNull();
    expect(sealed.includes(picture.subarray(20, 60))).toBe(false);
    expect(openSealedBytes(key, sealed, 'avatars:u1:a.webp').equals(picture)).toBe(true);
    expect(() => openSealedBytes(key, sealed, 'avatars:u2:a.webp')).toThrow(DecryptionFailed);
  });

  it('wraps data keys under a master key named by a hash of itself', () => {
    const master = newKeyBytes();
    expect(masterKeyId(master)).toMatch(/^[0-9a-f]{16}$/);
    expect(masterKeyId(master)).toBe(masterKeyId(Buffer.from(master)));
    expect(masterKeyId(master)).not.toBe(masterKeyId(newKeyBytes()));
    const bytes = newKeyBytes();
    const wrapped = wrapDataKey(master, 'aaaaaaaaaaaaaaaa', bytes);
    expect(unwrapDataKey(master, 'aaaaaaaaaaaaaaaa', wrapped).equals(bytes)).toBe(true);
    expect(() => unwrapDataKey(master, 'bbbbbbbbbbbbbbbb', wrapped)).toThrow(DecryptionFailed);
    expect(() => unwrapDataKey(newKeyBytes(), 'aaaaaaaaaaaaaaaa', wrapped)).toThrow(DecryptionFailed);
  });

  it('stores plaintext (encryption off) so that no text a user writes passes for a ciphertext', () => {
    for (const text of ['hello', 'pe1.0123456789abcdef.AAAA', 'pe0.x', '']) {
      const stored = storedPlainText(text);
      expect(sealedTextKeyId(stored)).toBeNull();
      expect(readPlainText(stored)).toBe(text);
    }
  });
});
