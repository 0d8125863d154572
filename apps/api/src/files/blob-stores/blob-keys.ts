/**
 * Keys are chosen by the server, never taken from a user's file name, but they are still checked: a key is
 * 1 to 8 `/`-separated segments of letters, digits, `.`, `_` and `-`, none starting with a dot. So no key can
 * be `..`, absolute, empty, or name the stores' own hidden folders (the local store's `.tmp`).
 */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;
const MAX_SEGMENTS = 8;

/** Where the bytes of tus upload `<id>` live, in every store. */
export const UPLOADS_FOLDER = 'uploads';

export class InvalidBlobKeyError extends Error {}

/** The key's segments; throws InvalidBlobKeyError for anything that is not a plain relative key. */
export function keySegments(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > MAX_SEGMENTS || !parts.every((p) => SEGMENT.test(p))) {
    throw new InvalidBlobKeyError(`Not a valid blob key: ${JSON.stringify(key.slice(0, 300))}`);
  }
  return parts;
}

/** True for an upload id that can be one key segment (the tus id is the file id, a UUID). */
export function isUploadId(id: string): boolean {
  return SEGMENT.test(id) && !id.includes('.');
}

export function uploadKeyOf(uploadId: string): string {
  if (!isUploadId(uploadId)) throw new InvalidBlobKeyError(`Not a valid upload id: ${JSON.stringify(uploadId.slice(0, 300))}`);
  return `${UPLOADS_FOLDER}/${uploadId}`;
}

/** The upload id of a key under `uploads/`, or null for any other key. */
export function uploadIdOf(key: string): string | null {
  const parts = key.split('/');
  return parts.length === 2 && parts[0] === UPLOADS_FOLDER && isUploadId(parts[1]) ? parts[1] : null;
}

/** Checks a byte range (both ends inclusive, as in HTTP). */
export function checkRange(range: { start: number; end: number } | undefined): void {
  if (!range) return;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`Not a byte range: ${start}-${end}`);
  }
}
