import { Message } from '@parley/contracts';
import type { DecryptedView } from '../e2ee/decrypted-messages';

/** Where a message of mine is on its way to the server. Messages from the server are always 'sent'. */
export type DeliveryState = 'sending' | 'sent' | 'failed';

/** A message as the conversation shows it: a server message, or one of mine still in the outbox. */
export interface ChatMessage extends Message {
  state: DeliveryState;
  /** Why a failed message was not sent. */
  error: string | null;
  /** Stable across the switch from pending to sent (the server id is not known while pending). */
  key: string;
  /**
   * End-to-end encrypted (from the server): where its decryption is. Once decrypted, `body` holds the
   * decrypted text. Absent for messages of plain rooms and for mine still in the outbox.
   */
  e2ee?: DecryptedView;
}

/** The key a message keeps from the moment it is typed: its sender's clientMsgId is unique per sender. */
export function messageKey(senderId: string, clientMsgId: string): string {
  return `${senderId}:${clientMsgId}`;
}

export function sentMessage(message: Message): ChatMessage {
  return { ...message, state: 'sent', error: null, key: messageKey(message.senderId, message.clientMsgId) };
}

/** Inserts or replaces messages by id, keeping ascending seq order; an older revision never replaces a newer one. */
export function upsertMessages(items: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return items as Message[];
  const byId = new Map(items.map((m) => [m.id, m]));
  let changed = false;
  for (const message of incoming) {
    const current = byId.get(message.id);
    if (current && current.rev > message.rev) continue;
    if (current && current.rev === message.rev && current.deletedAt === message.deletedAt && current.body === message.body) continue;
    byId.set(message.id, message);
    changed = true;
  }
  if (!changed) return items as Message[];
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** A deletion as the event tells it: the message becomes a tombstone (empty body, deletedAt set). */
export function tombstone(message: Message, rev: number, deletedAt: string): Message {
  return { ...message, body: '', deletedAt, rev: Math.max(message.rev, rev) };
}
