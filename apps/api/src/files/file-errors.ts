import { errors } from '../common/errors';

/** The one answer for a missing file and for a file the caller may not read: ids reveal nothing. */
export const fileNotFound = () => errors.notFound('File');

/** Bytes in words for messages: "100 MB", "1.5 GB", "512 KB", "12 bytes". */
export function sizeInWords(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 4, 'TB'],
    [1024 ** 3, 'GB'],
    [1024 ** 2, 'MB'],
    [1024, 'KB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

export const fileTooLarge = (maxBytes: number) => errors.payloadTooLarge(`Files may be at most ${sizeInWords(maxBytes)}`);
