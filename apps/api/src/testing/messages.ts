import { Message, MessageKind } from '@parley/contracts';
import { randomUUID } from 'node:crypto';

/** A person's message as the wire carries it, for tests that need one without a database. */
export function testMessage(fields: Partial<Message> & Pick<Message, 'roomId' | 'senderId' | 'seq'>): Message {
  return {
    id: randomUUID(),
    rev: fields.seq,
    body: `message ${fields.seq}`,
    clientMsgId: randomUUID(),
    createdAt: new Date().toISOString(),
    editedAt: null,
    deletedAt: null,
    replyToId: null,
    kind: MessageKind.User,
    event: null,
    attachments: [],
    encrypted: null,
    ...fields,
  };
}
