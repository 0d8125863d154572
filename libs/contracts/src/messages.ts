/** The longest message body, in characters (UTF-16 code units, as JavaScript counts `length`). */
export const MESSAGE_MAX_LENGTH = 8000;
/** `clientMsgId`: chosen by the client (a UUID is a good choice), unique per sender. */
export const CLIENT_MSG_ID_MAX_LENGTH = 64;
export const CLIENT_MSG_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const HISTORY_PAGE_DEFAULT = 50;
export const HISTORY_PAGE_MAX = 100;
/** The most messages `sync` returns per room in one answer; `hasMore` tells the client to ask again. */
export const SYNC_ROOM_LIMIT = 500;
/**
 * The most messages one `sync` answer holds, all rooms together. Rooms it had no room left for come back in
 * `pending`, to be asked again (with the same cursors).
 */
export const SYNC_ANSWER_MESSAGES_MAX = 1000;
/** Rooms one `sync` may ask about. */
export const SYNC_ROOMS_MAX = 500;

/**
 * A message. `seq` goes up by one per room with no gaps; `rev` is the room's change revision at the
 * message's last change (creation, edit or deletion), so a client that remembers the highest `rev` it has
 * seen can ask for every change after it. A deleted message keeps its id and seq (a tombstone) with an
 * empty body and `deletedAt` set.
 */
export interface Message {
  id: string;
  roomId: string;
  seq: number;
  rev: number;
  senderId: string;
  body: string;
  clientMsgId: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  replyToId: string | null;
}

export interface SendMessageRequest {
  body: string;
  clientMsgId: string;
  replyToId?: string;
}

export interface EditMessageRequest {
  body: string;
}

export interface HistoryQuery {
  /** Messages with seq below this, newest first in the page but returned in ascending seq order. */
  before?: number;
  /** Messages with seq above this, in ascending order. */
  after?: number;
  limit?: number;
}

export interface MessagePage {
  items: Message[];
  /** True when older (for `before` or no cursor) or newer (for `after`) messages remain. */
  hasMore: boolean;
}

/** Read receipt state: who has read up to which seq. */
export interface ReadState {
  userId: string;
  lastReadSeq: number;
}
