import { MESSAGE_SEARCH_SNIPPET_MAX_LENGTH, SearchHighlight, SearchSnippet, plainTextPreview } from '@parley/contracts';

/**
 * Text as the search on this device sees it: the same rules as the server's search (apps/api/src/search/
 * search-text.ts), so a query finds in an encrypted room what it would find in a plain one: a substring of the
 * text with formatting removed, case and accents ignored (NFKD, combining marks dropped, lower case; Chinese,
 * Japanese and Korean characters NFKC), runs of white space as one space.
 */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u;
const MARKS = /\p{M}/gu;
const ASCII = /^[ -~\t\n\r]*$/;
const charCache = new Map<string, string>();

/** A message's text with formatting removed (bold, links, code fences…), as previews show it, on one line. */
export function searchablePlainText(body: string): string {
  return plainTextPreview(body, Number.MAX_SAFE_INTEGER);
}

function normaliseChar(ch: string): string {
  let out = charCache.get(ch);
  if (out === undefined) {
    const compat = ch.normalize('NFKC');
    out = CJK.test(compat) ? compat : ch.normalize('NFKD').replace(MARKS, '').toLowerCase();
    if (/\s/u.test(out)) out = ' ';
    if (charCache.size < 100_000) charCache.set(ch, out);
  }
  return out;
}

/** The normalised text and, for each of its UTF-16 units, where its character starts in `original` (plus the end). */
export function normaliseWithOffsets(original: string): { text: string; from: number[] } {
  let text = '';
  const from: number[] = [];
  let i = 0;
  for (const ch of original) {
    let n = normaliseChar(ch);
    if (n === ' ' && (text.length === 0 || text.endsWith(' '))) n = '';
    text += n;
    for (let k = 0; k < n.length; k++) from.push(i);
    i += ch.length;
  }
  from.push(i);
  return { text, from };
}

export function normalise(original: string): string {
  if (ASCII.test(original)) return original.toLowerCase().replace(/\s+/g, ' ').replace(/^ /, '');
  return normaliseWithOffsets(original).text;
}

/** Where the (normalised) query occurs in `original`, as UTF-16 ranges of the original text. */
export function findMatches(original: string, query: string): SearchHighlight[] {
  if (!query) return [];
  const { text, from } = normaliseWithOffsets(original);
  const out: SearchHighlight[] = [];
  let at = text.indexOf(query);
  while (at !== -1) {
    const start = from[at]!;
    const end = from[at + query.length] ?? original.length;
    out.push({ start, end: end > start ? end : original.length });
    at = text.indexOf(query, at + query.length);
  }
  return out;
}

/** About MESSAGE_SEARCH_SNIPPET_MAX_LENGTH characters around the first match, cut at spaces, "…" where cut. */
export function snippetOf(text: string, matches: readonly SearchHighlight[]): SearchSnippet {
  const max = MESSAGE_SEARCH_SNIPPET_MAX_LENGTH;
  if (text.length <= max) return { text, highlights: [...matches] };
  const first = matches[0] ?? { start: 0, end: 0 };
  let start = Math.max(0, first.start - Math.floor((max - (first.end - first.start)) / 3));
  let end = Math.min(text.length, start + max);
  start = Math.max(0, Math.min(start, end - max));
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space !== -1 && space < first.start) start = space + 1;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > first.end) end = space;
  }
  if (start > 0 && /[\udc00-\udfff]/.test(text[start]!)) start -= 1;
  if (end < text.length && /[\udc00-\udfff]/.test(text[end]!)) end += 1;
  const prefix = start > 0 ? '…' : '';
  const suffix = end < text.length ? '…' : '';
  const shift = prefix.length - start;
  const highlights = matches.filter((m) => m.start >= start && m.end <= end).map((m) => ({ start: m.start + shift, end: m.end + shift }));
  return { text: `${prefix}${text.slice(start, end)}${suffix}`, highlights };
}

/** Words for ranking: letters and digits, normalised; a run of CJK characters is one word. */
export function words(text: string): string[] {
  return normalise(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}
