import { EncryptedMessageContent, Message, searchablePlainText } from '@parley/contracts';

/** What the search on this device keeps of one decrypted message (sealed in IndexedDB, never sent anywhere). */
export interface DeviceSearchEntry {
  messageId: string;
  roomId: string;
  seq: number;
  /** The revision the text is of: a newer one (an edit) replaces it, an older one never does. */
  rev: number;
  senderId: string;
  createdAt: string;
  /** The text with formatting removed, as the server's search sees a plain room's messages. */
  text: string;
  /** Names of the files the message carries. */
  files: string[];
}

/** The entry for a message this device decrypted. */
export function entryOf(message: Message, content: EncryptedMessageContent): DeviceSearchEntry {
  return {
    messageId: message.id,
    roomId: message.roomId,
    seq: message.seq,
    rev: message.rev,
    senderId: message.senderId,
    createdAt: message.createdAt,
    text: searchablePlainText(content.body),
    files: content.attachments.map((a) => a.name).filter((name) => name !== ''),
  };
}

/** An entry read back from storage, or null when it is not one (damaged, or written by another version). */
export function parseEntry(value: unknown): DeviceSearchEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const e = value as Record<string, unknown>;
  const strings = ['messageId', 'roomId', 'senderId', 'createdAt', 'text'] as const;
  if (!strings.every((k) => typeof e[k] === 'string')) return null;
  if (typeof e['seq'] !== 'number' || typeof e['rev'] !== 'number') return null;
  if (!Array.isArray(e['files']) || !e['files'].every((f) => typeof f === 'string')) return null;
  return e as unknown as DeviceSearchEntry;
}
