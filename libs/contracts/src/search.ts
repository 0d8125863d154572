import type { Message } from './messages';
import type { RoomKind } from './rooms';

/** The shortest query: 3 characters, or 2 when the query is Chinese, Japanese or Korean. */
export const MESSAGE_SEARCH_MIN_LENGTH = 3;
export const MESSAGE_SEARCH_MIN_LENGTH_CJK = 2;
/** The longest query, in characters. */
export const MESSAGE_SEARCH_MAX_LENGTH = 200;
export const MESSAGE_SEARCH_PAGE_DEFAULT = 20;
export const MESSAGE_SEARCH_PAGE_MAX = 50;
/** Snippets are cut to about this many characters around the first match. */
export const MESSAGE_SEARCH_SNIPPET_MAX_LENGTH = 160;

/** `has=file`: only messages that carry files. */
export const SearchHas = {
  File: 'file',
} as const;
export type SearchHas = (typeof SearchHas)[keyof typeof SearchHas];

/** `GET /api/search`: every filter is optional except `q`. */
export interface SearchQuery {
  /** What to find: a substring (case- and diacritic-insensitive) of a message's text or of a file name it carries. */
  q: string;
  /** Only this room (one the caller is a member of). */
  roomId?: string;
  /** Only messages sent by this user. */
  from?: string;
  has?: SearchHas;
  /** Only messages sent at or after this time (ISO 8601; a date alone means its start, UTC). */
  after?: string;
  /** Only messages sent before this time (ISO 8601; a date alone means its start, UTC). */
  before?: string;
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** One match inside a snippet: `text.slice(start, end)` is the matched part. UTF-16 offsets, as JavaScript counts. */
export interface SearchHighlight {
  start: number;
  end: number;
}

/** A short piece of plain text around the match (formatting stripped), with the matches marked. */
export interface SearchSnippet {
  text: string;
  highlights: SearchHighlight[];
}

/** The room a result is in, enough to group and label results. */
export interface SearchResultRoom {
  id: string;
  kind: RoomKind;
  /** For direct rooms: the other member's display name. */
  name: string;
}

export interface SearchResult {
  message: Message;
  room: SearchResultRoom;
  senderName: string;
  /** Where the query was found: the message's text, or the name of a file it carries (`fileName`). */
  matchedIn: 'body' | 'file';
  fileName: string | null;
  snippet: SearchSnippet;
  /** The message's position in its room: open it with `GET /api/rooms/:roomId/messages?around=<seq>`. */
  seq: number;
}

export interface SearchPage {
  /** Newest first. */
  results: SearchResult[];
  /** Pass as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
  /**
   * True while the index is behind the newest messages (just after a start, or during a key rotation): the
   * newest few seconds of messages may be missing from the results.
   */
  indexing: boolean;
}
