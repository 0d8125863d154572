import { Injectable, computed, inject, signal } from '@angular/core';
import { Attachment, EncryptedAttachment, EncryptedContent, Message, SocketErrorCode } from '@parley/contracts';
import { Realtime, SocketRequestError } from '../core/realtime';
import { OUTBOX_STORAGE, OutboxEntry, readOutbox, uploadIdsOf, writeOutbox } from './outbox';

/** A clientMsgId: a UUID (crypto.randomUUID needs a secure context; getRandomValues works everywhere). */
export function newClientMsgId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type WireContent = { body: string; encrypted?: EncryptedContent };

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * How long a new message of an encrypted room may stay off screen while it is encrypted: it is shown once its
 * ciphertext is made (a few ms), or after this long when that takes longer (the room key going to every device).
 */
export const SHOW_WHILE_PREPARING_MS = 100;

const sameEntries = (a: readonly OutboxEntry[], b: readonly OutboxEntry[]) => a.length === b.length && a.every((e, i) => e === b[i]);

/**
 * My messages on their way: queued at once (kept in localStorage per user, so a reload keeps them), sent one
 * at a time in order with `message:send` while connected and caught up, and left 'failed' (with the reason)
 * when the server refuses one. The same clientMsgId makes a resend safe: the server answers with the original.
 */
@Injectable({ providedIn: 'root' })
export class OutboxQueue {
  private readonly realtime = inject(Realtime);
  private readonly storage = inject(OUTBOX_STORAGE);

  private me: string | null = null;
  private ready = false;
  private flushing = false;
  private readonly queue = signal<readonly OutboxEntry[]>([]);
  /** New messages not shown yet: their wire content (encryption) is being made (see SHOW_WHILE_PREPARING_MS). */
  private readonly preparing = signal<ReadonlySet<string>>(new Set());

  /** The queue as the conversation shows it (the saved queue holds every entry from the start). */
  readonly entries = computed(
    () => {
      const preparing = this.preparing();
      const queue = this.queue();
      return preparing.size ? queue.filter((e) => !preparing.has(e.clientMsgId)) : queue;
    },
    { equal: sameEntries },
  );
  /** Where the server's copy of a sent message goes (the chat store). */
  onDelivered: (message: Message) => void = () => undefined;
  /**
   * What goes over the wire for an entry: its body as it is, or (in an end-to-end encrypted room, the chat
   * store decides) an empty body and the ciphertext, made at the moment it is sent.
   */
  prepare: (entry: OutboxEntry) => Promise<WireContent> = async (entry) => ({ body: entry.body });
  /**
   * Whether a new message waits off screen for its wire content (an encrypted room's, the chat store decides).
   * The page's redraw for it would otherwise come between the encryption's steps (each one a round trip to the
   * browser's IndexedDB, answered on this same thread) and hold the message back by a frame or two.
   */
  showsWhenPrepared: (entry: OutboxEntry) => boolean = () => false;
  /**
   * Wire contents being made, by clientMsgId: the next message's (its encryption) is started while the one before
   * it waits for the server's answer, so that a quick succession of messages does not wait for each encryption in
   * turn. Dropped once sent, when it fails, and when the connection goes (made again, with the room key then).
   */
  private readonly prepared = new Map<string, Promise<WireContent>>();

  /** A new session: this user's saved queue, not sent until the connection has caught up. */
  reset(userId: string | null): void {
    this.me = userId;
    this.ready = false;
    this.prepared.clear();
    this.preparing.set(new Set());
    this.queue.set(userId ? readOutbox(this.storage, userId) : []);
  }

  /** Connected and caught up (true) or disconnected (false). */
  setReady(ready: boolean): void {
    this.ready = ready;
    if (ready) void this.flush();
    else this.prepared.clear();
  }

  add(roomId: string, body: string, replyToId: string | null, attachments: readonly Attachment[] = [], files: readonly EncryptedAttachment[] = []): void {
    const entry: OutboxEntry = {
      clientMsgId: newClientMsgId(),
      roomId,
      body,
      replyToId,
      attachments: [...attachments],
      files: [...files],
      createdAt: new Date().toISOString(),
      state: 'sending',
      error: null,
      autoRetried: false,
    };
    this.update((list) => [...list, entry]);
    // Only the next one to go waits off screen: one queued behind others shows at once (it waits for them anyway).
    const next = this.ready && this.realtime.online() && !this.queue().some((e) => e.state === 'sending' && e !== entry);
    if (next && this.showsWhenPrepared(entry)) this.showWhenPrepared(entry);
    void this.flush();
  }

  /** Keeps a new entry off screen until its wire content is made (or failed), or SHOW_WHILE_PREPARING_MS. */
  private showWhenPrepared(entry: OutboxEntry): void {
    const id = entry.clientMsgId;
    this.preparing.update((ids) => new Set(ids).add(id));
    const show = () => {
      clearTimeout(timer);
      if (this.preparing().has(id)) this.preparing.update((ids) => new Set([...ids].filter((other) => other !== id)));
    };
    const timer = setTimeout(show, SHOW_WHILE_PREPARING_MS);
    this.contentOf(entry).then(show, show);
  }

  retry(clientMsgId: string): void {
    this.patch(clientMsgId, { state: 'sending', error: null, autoRetried: false });
    void this.flush();
  }

  discard(clientMsgId: string): void {
    this.prepared.delete(clientMsgId);
    this.update((list) => list.filter((e) => e.clientMsgId !== clientMsgId));
  }

  /** The server has these (however we heard of it): they leave the queue. */
  delivered(clientMsgIds: ReadonlySet<string>): void {
    this.update((list) => (list.some((e) => clientMsgIds.has(e.clientMsgId)) ? list.filter((e) => !clientMsgIds.has(e.clientMsgId)) : list));
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.ready && this.realtime.online()) {
        const entry = this.queue().find((e) => e.state === 'sending');
        if (!entry || !(await this.deliver(entry))) break;
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Sends one queued message; false when the connection is gone (the queue waits for the next one). */
  private async deliver(entry: OutboxEntry): Promise<boolean> {
    let content: WireContent;
    try {
      content = await this.contentOf(entry);
    } catch (err) {
      this.prepared.delete(entry.clientMsgId);
      this.patch(entry.clientMsgId, { state: 'failed', error: `Could not encrypt it: ${err instanceof Error ? err.message : 'unknown error'}` });
      return true;
    }
    // The next one's content is made while this one is on its way.
    const next = this.queue().find((e) => e.state === 'sending' && e.clientMsgId !== entry.clientMsgId);
    if (next) void this.contentOf(next).catch(() => undefined);
    let sameAgain = false;
    try {
      const { message } = await this.realtime.request('message:send', {
        roomId: entry.roomId,
        clientMsgId: entry.clientMsgId,
        ...content,
        ...(entry.replyToId ? { replyToId: entry.replyToId } : {}),
        ...(uploadIdsOf(entry).length ? { attachmentIds: uploadIdsOf(entry) } : {}),
      });
      this.onDelivered(message);
      this.discard(entry.clientMsgId);
      return true;
    } catch (err) {
      if (!(err instanceof SocketRequestError)) {
        this.patch(entry.clientMsgId, { state: 'failed', error: 'Not sent.' });
        return true;
      }
      if (err.noAnswer && !this.realtime.online()) {
        this.prepared.clear();
        return false;
      }
      if (err.code === SocketErrorCode.RateLimited && !entry.autoRetried) {
        // Sent again as it is, in a moment.
        sameAgain = true;
        this.patch(entry.clientMsgId, { autoRetried: true });
        await delay(err.error.retryAfterMs ?? 1000);
        return true;
      }
      this.patch(entry.clientMsgId, { state: 'failed', error: err.noAnswer ? 'The server did not answer.' : err.message });
      return true;
    } finally {
      if (!sameAgain) this.prepared.delete(entry.clientMsgId);
    }
  }

  private contentOf(entry: OutboxEntry): Promise<WireContent> {
    let content = this.prepared.get(entry.clientMsgId);
    if (!content) {
      content = this.prepare(entry);
      this.prepared.set(entry.clientMsgId, content);
    }
    return content;
  }

  private update(change: (list: readonly OutboxEntry[]) => readonly OutboxEntry[]): void {
    const next = change(this.queue());
    if (next === this.queue()) return;
    this.queue.set(next);
    if (this.me) writeOutbox(this.storage, this.me, next);
  }

  private patch(clientMsgId: string, patch: Partial<OutboxEntry>): void {
    this.update((list) => list.map((e) => (e.clientMsgId === clientMsgId ? { ...e, ...patch } : e)));
  }
}
