import { MessageKind, RoomKind, RoomSummary } from '@parley/contracts';
import { BlockedIds } from '../unread';

export interface RoomPreview {
  text: string;
  /** About the message rather than its words (deleted, from someone I blocked): shown subdued. */
  quiet: boolean;
}

export interface PreviewViewer {
  me: string | null;
  blocked: BlockedIds;
  /** The sender's name as it is now, when known (the preview carries the name it was sent with). */
  knownName: (userId: string) => string | undefined;
  /** An end-to-end encrypted message's preview, once this device decrypted it (null until then). */
  decryptedText?: (messageId: string) => string | null;
}

/**
 * The second line of a room in the list: "Ana: Lunch?" (no name in a direct room, "You:" for mine), a system
 * line as it is ("Ada added you"), never a word from someone I blocked, or the topic while nothing was said.
 */
export function roomPreview(room: RoomSummary, viewer: PreviewViewer): RoomPreview {
  const last = room.lastMessage;
  if (!last) return { text: room.topic || 'No messages yet', quiet: false };
  // The server withholds their text (`hidden`); a block made since, or a message that came live, is withheld here.
  if (last.senderId !== viewer.me && (last.hidden || viewer.blocked.has(last.senderId))) {
    return { text: 'Message from someone you blocked', quiet: true };
  }
  if (last.kind === MessageKind.System) return { text: last.text, quiet: false };
  const text = last.deleted ? 'Message deleted' : last.encrypted ? (viewer.decryptedText?.(last.id) ?? '🔒 Encrypted message') : last.text;
  const quiet = last.deleted;
  if (last.senderId === viewer.me) return { text: `You: ${text}`, quiet };
  if (room.kind === RoomKind.Direct) return { text, quiet };
  return { text: `${viewer.knownName(last.senderId) ?? last.senderName}: ${text}`, quiet };
}
