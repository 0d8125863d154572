import { plainTextPreview } from './message-preview';
import { MESSAGE_SEARCH_MIN_LENGTH, MESSAGE_SEARCH_MIN_LENGTH_CJK, MESSAGE_SEARCH_SNIPPET_MAX_LENGTH, SearchHighlight, SearchSnippet } from './search';

/**
 * Text as search sees it: the same normalisation for what is indexed and for what is asked, so a query
 * matches whatever it would match by eye, whatever the case and the accents. Shared by the server's search
 * and the browser's search on this device (encrypted rooms), so both find the same things.
 */

/** Chinese, Japanese and Korean characters: words are not separated by spaces, so two characters are a word. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u;
const MARKS = /\p{M}/gu;
const ASCII = /^[ -~\t\n\r]*$/;

/** A message's text with formatting removed (bold, links, code fences…), as previews show it, on one line. */
export function searchablePlainText(body: string): string {
  return plainTextPreview(body, Number.MAX_SAFE_INTEGER);
}

export interface NormalisedText {
  /** NFKD, combining marks removed, lower case, every run of white space one space. */
  text: string;
  /** For each UTF-16 unit of `text`, where its character starts in the original; one more entry for the end. */
  from: number[];
}

const charCache = new Map<string, string>();

/**
 * One character normalised on its own (so the result maps back to it): NFKD, no combining marks, lower case.
 * Chinese, Japanese and Korean characters take NFKC instead: a kana's voicing mark (タ, ダ) or a Hangul
 * syllable's parts are not accents, and half-width kana become full-width.
 */
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

/** The normalised text and, for highlights, where each of its characters came from in `original`. */
export function normaliseWithOffsets(original: string): NormalisedText {
  let text = '';
  const from: number[] = [];
  let i = 0;
  for (const ch of original) {
    let n = normaliseChar(ch);
    // Runs of white space count once, so "a  b" and "a b" are the same text.
    if (n === ' ' && (text.length === 0 || text.endsWith(' '))) n = '';
    text += n;
    for (let k = 0; k < n.length; k++) from.push(i);
    i += ch.length;
  }
  from.push(i);
  return { text, from };
}

/** The normalised text alone (the indexer's hot path: ASCII, by far the common case, needs no per-character work). */
export function normalise(original: string): string {
  if (ASCII.test(original)) return original.toLowerCase().replace(/\s+/g, ' ').replace(/^ /, '');
  return normaliseWithOffsets(original).text;
}

/** A normalised query (trimmed), or why it is too short to search for. */
export function normaliseQuery(q: string): { text: string } | { tooShort: true } {
  const text = normalise(q).trim();
  const chars = Array.from(text);
  if (chars.length >= MESSAGE_SEARCH_MIN_LENGTH) return { text };
  if (chars.length >= MESSAGE_SEARCH_MIN_LENGTH_CJK && chars.every((c) => CJK.test(c))) return { text };
  return { tooShort: true };
}

/**
 * The grams of a normalised text: every run of three characters (code points), and every pair of adjacent
 * CJK characters (a two-character word). Each is prefixed with its length so the two kinds never meet.
 */
export function textGrams(text: string, into = new Set<string>()): Set<string> {
  // ASCII (most messages): one UTF-16 unit a character, and no CJK.
  if (ASCII.test(text)) {
    for (let i = 0; i + 2 < text.length; i++) into.add(`3${text.slice(i, i + 3)}`);
    return into;
  }
  const chars = Array.from(text);
  for (let i = 0; i + 2 < chars.length; i++) into.add(`3${chars[i]}${chars[i + 1]}${chars[i + 2]}`);
  for (let i = 0; i + 1 < chars.length; i++) {
    if (CJK.test(chars[i]) && CJK.test(chars[i + 1])) into.add(`2${chars[i]}${chars[i + 1]}`);
  }
  return into;
}

/** The grams every text containing the (normalised) query must have: its trigrams, or its CJK bigram. */
export function queryGrams(query: string): string[] {
  const chars = Array.from(query);
  if (chars.length === 2) return [`2${chars[0]}${chars[1]}`];
  const grams = new Set<string>();
  for (let i = 0; i + 2 < chars.length; i++) grams.add(`3${chars[i]}${chars[i + 1]}${chars[i + 2]}`);
  return [...grams];
}

/** Where the query occurs in `original`, as UTF-16 ranges of the original text (after case and accents are ignored). */
export function findMatches(original: string, query: string): SearchHighlight[] {
  if (!query) return [];
  const { text, from } = normaliseWithOffsets(original);
  const out: SearchHighlight[] = [];
  let at = text.indexOf(query);
  while (at !== -1) {
    const start = from[at]!;
    const end = from[at + query.length] ?? original.length;
    // A match that ends inside a character that normalised to several (ﬃ → ffi) still covers that character.
    out.push({ start, end: end > start ? end : original.length });
    at = text.indexOf(query, at + query.length);
  }
  return out;
}

/**
 * About MESSAGE_SEARCH_SNIPPET_MAX_LENGTH characters of `text` around its first match, cut at spaces where it
 * can and marked with "…" where it was cut, with every match inside marked.
 */
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
  // Never cut a surrogate pair in two.
  if (start > 0 && /[\udc00-\udfff]/.test(text[start]!)) start -= 1;
  if (end < text.length && /[\udc00-\udfff]/.test(text[end]!)) end += 1;
  const prefix = start > 0 ? '…' : '';
  const suffix = end < text.length ? '…' : '';
  const shift = prefix.length - start;
  const highlights = matches.filter((m) => m.start >= start && m.end <= end).map((m) => ({ start: m.start + shift, end: m.end + shift }));
  return { text: `${prefix}${text.slice(start, end)}${suffix}`, highlights };
}
