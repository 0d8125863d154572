import { EncryptedAttachment, EncryptedFileKey, FILE_NAME_MAX_LENGTH, MESSAGE_ATTACHMENTS_MAX } from '@parley/contracts';

type Loose = Record<string, unknown>;

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max = 1024): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isSide = (v: unknown): v is number | null => v === null || (isCount(v) && v > 0 && v <= 100_000);
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** A Matrix `EncryptedFile` key as the library makes it: AES-256-CTR (JWK), IV and the ciphertext's SHA-256. */
function fileKeyOf(v: unknown): EncryptedFileKey | null {
  if (!isObject(v) || !isObject(v['key']) || !isObject(v['hashes'])) return null;
  const key = v['key'];
  const sha256 = v['hashes']['sha256'];
  if (!isText(v['v'], 8) || !isText(v['iv'], 64) || !BASE64.test(v['iv'])) return null;
  if (key['kty'] !== 'oct' || key['alg'] !== 'A256CTR' || !isText(key['k'], 64) || !BASE64.test(key['k'])) return null;
  if (!isText(sha256, 64) || !BASE64.test(sha256)) return null;
  const ops = Array.isArray(key['key_ops']) ? key['key_ops'].filter((op): op is string => typeof op === 'string') : ['encrypt', 'decrypt'];
  return { v: v['v'], key: { kty: 'oct', alg: 'A256CTR', k: key['k'], key_ops: ops, ext: true }, iv: v['iv'], hashes: { sha256 } };
}

function attachmentOf(v: unknown): EncryptedAttachment | null {
  if (!isObject(v) || !isText(v['id'], 128) || !isText(v['name'], FILE_NAME_MAX_LENGTH * 4) || !isCount(v['size']) || !isText(v['mime'], 255)) return null;
  const file = fileKeyOf(v['file']);
  if (!file) return null;
  const width = v['width'] ?? null;
  const height = v['height'] ?? null;
  let thumbnail: EncryptedAttachment['thumbnail'] = null;
  const t = v['thumbnail'];
  if (isObject(t)) {
    const key = fileKeyOf(t['file']);
    if (key && isText(t['id'], 128) && isSide(t['width']) && isSide(t['height']) && isText(t['mime'], 255) && t['width'] && t['height']) {
      thumbnail = { id: t['id'], width: t['width'], height: t['height'], mime: t['mime'], file: key };
    }
  }
  return {
    id: v['id'],
    name: v['name'].slice(0, FILE_NAME_MAX_LENGTH),
    size: v['size'],
    mime: v['mime'].toLowerCase(),
    width: isSide(width) ? width : null,
    height: isSide(height) ? height : null,
    file,
    thumbnail,
  };
}

/**
 * The files a decrypted message describes, as far as they are well formed: its sender wrote them, so nothing is
 * taken on trust (malformed entries are dropped, at most MESSAGE_ATTACHMENTS_MAX are kept).
 */
export function readSealedAttachments(value: unknown): EncryptedAttachment[] {
  if (!Array.isArray(value)) return [];
  return value
    .map(attachmentOf)
    .filter((a): a is EncryptedAttachment => a !== null)
    .slice(0, MESSAGE_ATTACHMENTS_MAX);
}

/**
 * Only the files the server says this message carries: a sender cannot point a message at uploads of other
 * rooms or of other messages. A thumbnail that is not among them is dropped (the file still shows).
 */
export function carriedBy(attachments: readonly EncryptedAttachment[], uploadIds: readonly string[]): EncryptedAttachment[] {
  const carried = new Set(uploadIds);
  return attachments
    .filter((a) => carried.has(a.id))
    .map((a) => (a.thumbnail && !carried.has(a.thumbnail.id) ? { ...a, thumbnail: null } : a));
}
