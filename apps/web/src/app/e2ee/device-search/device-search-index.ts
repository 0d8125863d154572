import { SearchSnippet, findMatches, normalise, snippetOf } from '@parley/contracts';
import MiniSearch from 'minisearch';
import { DeviceSearchEntry } from './device-search-entry';
import { words } from './search-text';

/** What to find on this device: the search dialog's query and filters. */
export interface DeviceSearchQuery {
  q: string;
  roomId?: string;
  /** Sender's user id. */
  from?: string;
  hasFile?: boolean;
  /** Sent at or after (ISO 8601; a date alone is its start, UTC). */
  after?: string;
  /** Sent before (ISO 8601; a date alone is its start, UTC). */
  before?: string;
  /** Only messages of these rooms (the rooms I am in now). */
  inRooms?: ReadonlySet<string>;
  limit?: number;
}

export interface DeviceSearchHit {
  entry: DeviceSearchEntry;
  matchedIn: 'body' | 'file';
  fileName: string | null;
  snippet: SearchSnippet;
}

export const DEVICE_SEARCH_LIMIT = 50;

interface Doc {
  id: string;
  text: string;
  files: string;
}

/**
 * The entries this device decrypted, searchable in memory. Which messages match is the server's rule (the
 * query is a substring of the text or of a file name, case and accents ignored), checked on every entry: a
 * linear pass over text already in memory. MiniSearch tokenises and ranks (BM25): messages that hold the
 * query's words whole come first, then those where they start a word, then those with the query inside a
 * word; newer first among equals.
 */
export class DeviceSearchIndex {
  private readonly entries = new Map<string, { entry: DeviceSearchEntry; text: string; files: string[] }>();
  private readonly ranking = new MiniSearch<Doc>({
    fields: ['text', 'files'],
    storeFields: [],
    tokenize: (text) => words(text),
    // Terms arrive normalised by `tokenize`.
    processTerm: (term) => term,
    searchOptions: { prefix: true, combineWith: 'OR', boost: { text: 2 }, tokenize: (text) => words(text) },
  });

  get size(): number {
    return this.entries.size;
  }

  /** Adds the entry, or replaces the one of the same message unless that one is of a newer revision. */
  put(entry: DeviceSearchEntry): void {
    const current = this.entries.get(entry.messageId);
    if (current && current.entry.rev > entry.rev) return;
    if (current) this.ranking.discard(entry.messageId);
    this.entries.set(entry.messageId, { entry, text: normalise(entry.text), files: entry.files.map(normalise) });
    this.ranking.add({ id: entry.messageId, text: entry.text, files: entry.files.join(' ') });
  }

  remove(messageId: string): void {
    if (!this.entries.delete(messageId)) return;
    this.ranking.discard(messageId);
  }

  /** The rooms entries are held for. */
  rooms(): Set<string> {
    return new Set([...this.entries.values()].map((e) => e.entry.roomId));
  }

  removeRoom(roomId: string): void {
    for (const [id, { entry }] of this.entries) if (entry.roomId === roomId) this.remove(id);
  }

  search(query: DeviceSearchQuery): DeviceSearchHit[] {
    const q = normalise(query.q).trim();
    if (!q) return [];
    const after = query.after ? Date.parse(query.after) : null;
    const before = query.before ? Date.parse(query.before) : null;
    const found: { entry: DeviceSearchEntry; inText: boolean; file: string | null }[] = [];
    for (const { entry, text, files } of this.entries.values()) {
      if (query.roomId && entry.roomId !== query.roomId) continue;
      if (query.inRooms && !query.inRooms.has(entry.roomId)) continue;
      if (query.from && entry.senderId !== query.from) continue;
      if (query.hasFile && entry.files.length === 0) continue;
      const at = Date.parse(entry.createdAt);
      if ((after !== null && at < after) || (before !== null && at >= before)) continue;
      const inText = text.includes(q);
      const fileIndex = inText ? -1 : files.findIndex((f) => f.includes(q));
      if (inText || fileIndex >= 0) found.push({ entry, inText, file: fileIndex >= 0 ? entry.files[fileIndex]! : null });
    }
    if (found.length === 0) return [];
    const ids = new Set(found.map((f) => f.entry.messageId));
    const scores = new Map(this.ranking.search(q, { filter: (r) => ids.has(r['id'] as string) }).map((r) => [r.id as string, r.score]));
    found.sort(
      (a, b) =>
        (scores.get(b.entry.messageId) ?? 0) - (scores.get(a.entry.messageId) ?? 0) ||
        Date.parse(b.entry.createdAt) - Date.parse(a.entry.createdAt) ||
        b.entry.seq - a.entry.seq,
    );
    return found.slice(0, query.limit ?? DEVICE_SEARCH_LIMIT).map(({ entry, inText, file }) => {
      const source = inText ? entry.text : file!;
      return { entry, matchedIn: inText ? 'body' : 'file', fileName: file, snippet: snippetOf(source, findMatches(source, q)) };
    });
  }
}
