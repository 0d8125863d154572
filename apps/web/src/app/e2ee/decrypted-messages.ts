import { Injectable, inject, signal } from '@angular/core';
import { Message } from '@parley/contracts';
import { DecryptFailure, E2ee, SenderTrust } from './e2ee';
import { EncryptedMessageContent } from '@parley/contracts';

/** What the conversation shows for an encrypted message. */
export type DecryptedView =
  | { state: 'decrypting' }
  | { state: 'decrypted'; content: EncryptedMessageContent; trust: SenderTrust }
  /** Waiting for the room key (from the sender's devices, or the key backup): retried when keys arrive. */
  | { state: 'waiting'; reason: DecryptFailure; detail: string }
  | { state: 'failed'; detail: string };

const keyOf = (m: Pick<Message, 'id' | 'rev'>) => `${m.id}:${m.rev}`;
/** Not decrypted yet: one object, so that a message's view stays the same until its decryption ends. */
const DECRYPTING: DecryptedView = Object.freeze({ state: 'decrypting' });

/** What this device read (a message decrypted) or saw deleted (a tombstone of an encrypted room). */
export type ReadEvent = { kind: 'decrypted'; message: Message; content: EncryptedMessageContent } | { kind: 'deleted'; message: Message };

/**
 * The decrypted contents of the encrypted messages this client holds, by message and revision (an edit is a
 * new ciphertext). Messages whose room key has not arrived wait and are tried again when keys come in.
 */
@Injectable({ providedIn: 'root' })
export class DecryptedMessages {
  private readonly e2ee = inject(E2ee);
  private readonly views = signal<Readonly<Record<string, DecryptedView>>>({});
  /** The messages decrypted so far, by id:rev (to re-read their sender's trust). */
  private readonly decryptedMessages = new Map<string, Message>();
  private readonly inflight = new Map<string, Promise<DecryptedView>>();
  /** Messages waiting for a room key, by session id. */
  private readonly waiting = new Map<string, Map<string, Message>>();
  private readonly readListeners = new Set<(event: ReadEvent) => void>();
  /** Room keys that arrived, by session id: the number of the arrival (they are counted as they come). */
  private readonly arrivedAt = new Map<string, number>();
  private arrivals = 0;

  constructor() {
    this.e2ee.onRoomKeys((sessions) => {
      for (const { sessionId } of sessions) {
        this.arrivedAt.set(sessionId, ++this.arrivals);
        const list = this.waiting.get(sessionId);
        if (!list) continue;
        this.waiting.delete(sessionId);
        for (const message of list.values()) void this.decrypt(message);
      }
    });
    // A verification or a restore changed which devices are trusted: read the senders' shields again.
    this.e2ee.onTrustChanged(() => {
      for (const message of this.decryptedMessages.values()) void this.decrypt(message);
    });
  }

  /** The view of an encrypted message (starting its decryption the first time it is asked for). */
  view(message: Message): DecryptedView {
    return this.views()[keyOf(message)] ?? DECRYPTING;
  }

  /** Calls `listener` with every message decrypted and every deletion seen from now on (the search on this device). */
  onRead(listener: (event: ReadEvent) => void): () => void {
    this.readListeners.add(listener);
    return () => this.readListeners.delete(listener);
  }

  /** Starts decrypting messages not seen yet (called as messages arrive, with tombstones of encrypted rooms). */
  request(messages: readonly Message[]): void {
    for (const m of messages) {
      if (m.deletedAt) for (const listener of this.readListeners) listener({ kind: 'deleted', message: m });
      if (!m.encrypted || m.deletedAt) continue;
      if (this.views()[keyOf(m)]) continue;
      this.set(m, DECRYPTING);
      void this.decrypt(m);
    }
  }

  /** The content once decrypted (for notifications and previews), or null when it cannot be read. */
  async contentOf(message: Message): Promise<EncryptedMessageContent | null> {
    const current = this.views()[keyOf(message)];
    if (current?.state === 'decrypted') return current.content;
    const view = await this.decrypt(message);
    return view.state === 'decrypted' ? view.content : null;
  }

  /** The decrypted content of a held message, if any (by id, any revision: for quotes and previews). */
  decryptedById(messageId: string): EncryptedMessageContent | null {
    let best: { rev: number; content: EncryptedMessageContent } | null = null;
    for (const [key, view] of Object.entries(this.views())) {
      if (view.state !== 'decrypted' || !key.startsWith(`${messageId}:`)) continue;
      const rev = Number(key.slice(messageId.length + 1));
      if (!best || rev > best.rev) best = { rev, content: view.content };
    }
    return best?.content ?? null;
  }

  reset(): void {
    this.views.set({});
    this.decryptedMessages.clear();
    this.waiting.clear();
    this.inflight.clear();
    this.arrivedAt.clear();
  }

  /** One decryption at a time per message revision: the conversation, the notification and the preview share it. */
  private decrypt(message: Message): Promise<DecryptedView> {
    const key = keyOf(message);
    const running = this.inflight.get(key);
    if (running) return running;
    const run = this.decryptOnce(message).finally(() => this.inflight.delete(key));
    this.inflight.set(key, run);
    return run;
  }

  private async decryptOnce(message: Message): Promise<DecryptedView> {
    let view: DecryptedView;
    try {
      let result: Awaited<ReturnType<E2ee['decrypt']>>;
      for (;;) {
        const startedAt = this.arrivals;
        result = await this.e2ee.decrypt(message);
        // Its key arrived while this attempt ran (too late for it, and before the message waited for it): again.
        if (result.ok || result.reason === 'invalid' || (this.arrivedAt.get(result.sessionId) ?? 0) <= startedAt) break;
      }
      if (result.ok) {
        view = { state: 'decrypted', content: result.content, trust: result.trust };
        this.decryptedMessages.set(keyOf(message), message);
      }
      else if (result.reason === 'invalid') view = { state: 'failed', detail: result.detail };
      else {
        view = { state: 'waiting', reason: result.reason, detail: result.detail };
        const list = this.waiting.get(result.sessionId) ?? new Map<string, Message>();
        list.set(keyOf(message), message);
        this.waiting.set(result.sessionId, list);
      }
    } catch (err) {
      view = { state: 'failed', detail: err instanceof Error ? err.message : 'Encryption is not available in this browser.' };
    }
    this.set(message, view);
    if (view.state === 'decrypted') for (const listener of this.readListeners) listener({ kind: 'decrypted', message, content: view.content });
    return view;
  }

  /** A message this device encrypted and sent: its content is known, so it is not decrypted again. */
  sent(message: Message, content: EncryptedMessageContent): void {
    if (this.views()[keyOf(message)]?.state === 'decrypted') return;
    this.set(message, { state: 'decrypted', content, trust: { shield: 'none', message: null } });
    for (const listener of this.readListeners) listener({ kind: 'decrypted', message, content });
  }

  private set(message: Message, view: DecryptedView): void {
    this.views.update((all) => ({ ...all, [keyOf(message)]: view }));
  }
}
