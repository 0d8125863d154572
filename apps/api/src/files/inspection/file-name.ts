import { FILE_NAME_MAX_LENGTH } from '@parley/contracts';

/** Control, surrogate, private-use, unassigned and format characters (bidi overrides and isolates, zero-width
 * marks, the BOM), but the zero-width joiner that emoji sequences need. */
const INVISIBLE = /[\p{Cc}\p{Cs}\p{Co}\p{Cn}]|(?!\u200d)\p{Cf}/gu;
/** Characters Windows refuses in a file name (the download would be renamed or fail there). */
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
/** Names Windows reserves for devices, with any extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;
/** What counts as an extension worth keeping when a name is cut. */
const EXTENSION = /\.[\p{L}\p{N}_-]{1,16}$/u;

const graphemes = (text: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);

/**
 * A file name that is safe to show and to offer as a download name: the last part of any path (`/` or `\`),
 * without control characters or bidi tricks (`invoice_\u202Etxt.exe` would read "invoice_exe.txt"), without
 * leading dots or trailing dots and spaces, never a Windows device name, NFC-normalised, and at most
 * `maxLength` characters with the extension kept. Never empty: "file" when nothing is left.
 */
export function sanitizeFileName(name: string, maxLength = FILE_NAME_MAX_LENGTH): string {
  const segments = name.normalize('NFC').split(/[/\\]/);
  let clean = '';
  // The last segment with something in it (`photos/` names the folder).
  for (let i = segments.length - 1; i >= 0 && !clean; i--) {
    clean = segments[i]
      .replace(/[\t\n\v\f\r]+/g, ' ')
      .replace(INVISIBLE, '')
      .replace(WINDOWS_FORBIDDEN, '_')
      .replace(/\s+/gu, ' ')
      .replace(/^[\s.]+/u, '')
      .replace(/[\s.]+$/u, '');
  }
  if (WINDOWS_RESERVED.test(clean)) clean = `_${clean}`;
  clean = truncate(clean, maxLength);
  return clean || 'file';
}

/** At most `max` characters (whole graphemes, so no emoji is cut in half), keeping a short extension. */
function truncate(name: string, max: number): string {
  const chars = graphemes(name);
  if (chars.length <= max) return name;
  const ext = EXTENSION.exec(name)?.[0] ?? '';
  const extLength = graphemes(ext).length;
  if (!ext || extLength >= max) return chars.slice(0, max).join('').replace(/[\s.]+$/u, '');
  const base = graphemes(name.slice(0, name.length - ext.length));
  return base.slice(0, max - extLength).join('').replace(/[\s.]+$/u, '') + ext;
}
