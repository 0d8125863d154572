import { MESSAGE_SEARCH_MIN_LENGTH, MESSAGE_SEARCH_MIN_LENGTH_CJK, SearchResult, SearchResultRoom, SearchSnippet } from '@parley/contracts';

/** A run of a snippet's text, marked when it is part of a match. */
export interface SnippetPart {
  text: string;
  mark: boolean;
}

/** The snippet cut at its highlights, for the template to render as text and `<mark>` (never as HTML). */
export function snippetParts(snippet: SearchSnippet): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let at = 0;
  const marks = [...snippet.highlights].sort((a, b) => a.start - b.start);
  for (const { start, end } of marks) {
    const from = Math.max(start, at);
    const to = Math.min(end, snippet.text.length);
    if (to <= from) continue;
    if (from > at) parts.push({ text: snippet.text.slice(at, from), mark: false });
    parts.push({ text: snippet.text.slice(from, to), mark: true });
    at = to;
  }
  if (at < snippet.text.length) parts.push({ text: snippet.text.slice(at), mark: false });
  return parts;
}

export interface ResultGroup {
  room: SearchResultRoom;
  results: SearchResult[];
}

/** Results grouped by room, the rooms in the order of their newest result (results stay newest first). */
export function groupByRoom(results: readonly SearchResult[]): ResultGroup[] {
  const groups = new Map<string, ResultGroup>();
  for (const result of results) {
    const group = groups.get(result.room.id) ?? { room: result.room, results: [] };
    group.results.push(result);
    groups.set(result.room.id, group);
  }
  return [...groups.values()];
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** The fewest characters a query needs: 3, or 2 when it is Chinese, Japanese or Korean (as the server counts). */
export function queryMinLength(query: string): number {
  return CJK.test(query) ? MESSAGE_SEARCH_MIN_LENGTH_CJK : MESSAGE_SEARCH_MIN_LENGTH;
}

export function queryLongEnough(query: string): boolean {
  return [...query.trim()].length >= queryMinLength(query.trim());
}
