import { InjectionToken } from '@angular/core';
import { ChatMessage, messageKey } from './chat-message';
import { Attachment, EncryptedAttachment, MessageKind } from '@parley/contracts';
import { readSealedAttachments } from '../e2ee/sealed-files/sealed-attachment';
import { shownOf } from './files/shown-attachment';

/** A message I wrote that the server has not confirmed yet. */
export interface OutboxEntry {
  clientMsgId: string;
  roomId: string;
  body: string;
  replyToId: string | null;
  /** Files already uploaded (ready on the server) that the message carries. */
  attachments: Attachment[];
  /**
   * Files encrypted in this browser that the message carries (an end-to-end encrypted room): their names, types
   * and keys go inside the encrypted message; the server only learns the uploads' ids (each file's and its
   * thumbnail's).
   */
  files: EncryptedAttachment[];
  createdAt: string;
  /** 'sending' covers waiting for the connection too; 'failed' waits for the Retry button. */
  state: 'sending' | 'failed';
  error: string | null;
  /** A rate-limited send is retried by itself once; after that it waits for the user. */
  autoRetried: boolean;
}

/** Where the outbox survives a reload: localStorage in the browser (null where there is none). */
export const OUTBOX_STORAGE = new InjectionToken<Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null>('OUTBOX_STORAGE', {
  providedIn: 'root',
  factory: () => (typeof localStorage === 'undefined' ? null : localStorage),
});

export function outboxStorageKey(userId: string): string {
  return `parley.outbox.${userId}`;
}

function isAttachment(value: unknown): value is Attachment {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  return typeof a['id'] === 'string' && typeof a['name'] === 'string' && typeof a['size'] === 'number' && typeof a['mime'] === 'string';
}

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e['clientMsgId'] === 'string' &&
    typeof e['roomId'] === 'string' &&
    typeof e['body'] === 'string' &&
    typeof e['createdAt'] === 'string' &&
    (e['state'] === 'sending' || e['state'] === 'failed')
  );
}

/** The saved queue of one user; anything unreadable is dropped rather than sent. */
export function readOutbox(storage: Pick<Storage, 'getItem'> | null, userId: string): OutboxEntry[] {
  const raw = storage?.getItem(outboxStorageKey(userId));
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(isEntry).map((e) => ({
      ...e,
      replyToId: typeof e.replyToId === 'string' ? e.replyToId : null,
      attachments: Array.isArray(e.attachments)
        ? e.attachments.filter(isAttachment).map((a) => ({ ...a, width: a.width ?? null, height: a.height ?? null, thumbnail: a.thumbnail === true }))
        : [],
      files: readSealedAttachments(e.files),
      error: typeof e.error === 'string' ? e.error : null,
      autoRetried: e.autoRetried === true,
    }));
  } catch {
    return [];
  }
}

export function writeOutbox(storage: Pick<Storage, 'setItem' | 'removeItem'> | null, userId: string, entries: readonly OutboxEntry[]): void {
  if (!storage) return;
  try {
    if (entries.length === 0) storage.removeItem(outboxStorageKey(userId));
    else storage.setItem(outboxStorageKey(userId), JSON.stringify(entries));
  } catch {
    // Storage full or blocked (private mode): the queue still lives in memory for this page.
  }
}

/** The uploads a message names to the server: its files, and the encrypted files with their thumbnails. */
export function uploadIdsOf(entry: OutboxEntry): string[] {
  return [...entry.attachments.map((a) => a.id), ...entry.files.flatMap((f) => (f.thumbnail ? [f.id, f.thumbnail.id] : [f.id]))];
}

/** How a queued message shows in the conversation until the server's copy replaces it. */
export function pendingMessage(entry: OutboxEntry, me: string): ChatMessage {
  return {
    id: `pending:${entry.clientMsgId}`,
    roomId: entry.roomId,
    seq: Number.MAX_SAFE_INTEGER,
    rev: 0,
    senderId: me,
    body: entry.body,
    clientMsgId: entry.clientMsgId,
    createdAt: entry.createdAt,
    editedAt: null,
    deletedAt: null,
    kind: MessageKind.User,
    event: null,
    attachments: entry.files.length ? entry.files.map(shownOf) : entry.attachments,
    encrypted: null,
    replyToId: entry.replyToId,
    state: entry.state,
    error: entry.error,
    key: messageKey(me, entry.clientMsgId),
  };
}
