import { Message, MessageKind } from '@parley/contracts';

/** The ids of the people I blocked: their messages are not counted, previewed or notified. */
export type BlockedIds = ReadonlySet<string>;

export const NO_ONE_BLOCKED: BlockedIds = new Set<string>();

/**
 * Whether a message counts towards my unread count, the way the server counts `unreadCount`: written by
 * someone else (a system line such as "Ada added Bob" is not), not deleted, and not from someone I blocked.
 */
export function countsAsUnread(message: Pick<Message, 'senderId' | 'deletedAt' | 'kind'>, me: string | null, blocked: BlockedIds): boolean {
  return message.kind !== MessageKind.System && message.senderId !== me && message.deletedAt === null && !blocked.has(message.senderId);
}
