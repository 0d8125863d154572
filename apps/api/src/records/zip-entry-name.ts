/** A file's name as a zip entry's last part: no directories, no control characters, not empty, not too long. */
export function zipEntryName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_').slice(0, 120) || 'file';
}
