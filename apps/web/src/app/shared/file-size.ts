const UNITS = ['KB', 'MB', 'GB', 'TB'];

/** A size in bytes as people read it: "512 bytes", "1.5 KB", "23 MB", "1.2 GB" (binary units, as file managers count). */
export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal below 10 ("1.5 MB"), none above ("23 MB"); a trailing ".0" is dropped.
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${shown.toLocaleString('en')} ${UNITS[unit]}`;
}
