import { AVATAR_ACCEPTED_TYPES, AVATAR_MAX_BYTES_DEFAULT } from '@parley/contracts';

/** For the file picker's `accept`: the types the server takes. */
export const AVATAR_ACCEPT = AVATAR_ACCEPTED_TYPES.join(',');

/** "5 MB", "512 KB". */
export function sizeInWords(bytes: number): string {
  const mb = 1024 * 1024;
  if (bytes >= mb) return `${Number.isInteger(bytes / mb) ? bytes / mb : (bytes / mb).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * Why a chosen file cannot be a picture before it is even sent (the server checks again, by the bytes), or
 * null when it may be uploaded. A file the browser cannot type (no `type`) is left to the server.
 */
export function avatarFileProblem(file: Pick<File, 'type' | 'size'>, maxBytes = AVATAR_MAX_BYTES_DEFAULT): string | null {
  if (file.size === 0) return 'The file is empty.';
  if (file.type && !(AVATAR_ACCEPTED_TYPES as readonly string[]).includes(file.type)) {
    return 'Choose a PNG, JPEG, GIF or WebP image.';
  }
  if (file.size > maxBytes) return `The picture must be at most ${sizeInWords(maxBytes)}; this one is ${sizeInWords(file.size)}.`;
  return null;
}
