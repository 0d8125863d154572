import { MessageKind } from '@parley/contracts';
import { ChatMessage } from '../chat-message';
import { ListRow } from '../message-item/message-item';
import { StableRows, sameRow } from './stable-rows';

function message(id: string, body = 'hi'): ChatMessage {
  return {
    id,
    roomId: 'r1',
    seq: Number(id.slice(1)),
    rev: 1,
    senderId: 'u1',
    body,
    clientMsgId: `c-${id}`,
    createdAt: '2026-12-07T10:00:00.000Z',
    editedAt: null,
    deletedAt: null,
    kind: MessageKind.User,
    event: null,
    attachments: [],
    encrypted: null,
    replyToId: null,
    state: 'sent',
    error: null,
    key: `u1:c-${id}`,
  };
}

function row(m: ChatMessage, extra: Partial<Extract<ListRow, { kind: 'message' }>> = {}): ListRow {
  return { kind: 'message', key: m.key, message: m, mine: false, first: true, last: true, senderName: 'Ada', sender: null, blocked: false, reply: null, seen: null, ...extra };
}

describe('StableRows', () => {
  it('hands back the earlier row object when a rebuilt row shows the same thing', () => {
    const rows = new StableRows();
    const a = message('m1');
    const b = message('m2');
    const [first] = rows.keep([row(a), { kind: 'day', key: 'day:2026-12-7', label: 'Today' }]);
    const again = rows.keep([row(a), { kind: 'day', key: 'day:2026-12-7', label: 'Today' }, row(b)]);
    expect(again[0]).toBe(first);
    expect(again[1]).toEqual({ kind: 'day', key: 'day:2026-12-7', label: 'Today' });
    expect(again[2]!.key).toBe(b.key);
  });

  it('hands out a new row when anything shown in it changed', () => {
    const rows = new StableRows();
    const a = message('m1');
    const [before] = rows.keep([row(a)]);
    // The next message joins its group: this one is no longer the last.
    const [grouped] = rows.keep([row(a, { last: false })]);
    expect(grouped).not.toBe(before);
    expect(grouped).toMatchObject({ last: false });
    // An edit: a new message object.
    const [edited] = rows.keep([row({ ...a, body: 'hello' }, { last: false })]);
    expect(edited).not.toBe(grouped);
    expect((edited as Extract<ListRow, { kind: 'message' }>).message.body).toBe('hello');
    // "Seen by" appears under it.
    const [seen] = rows.keep([row({ ...a, body: 'hello' }, { last: false, seen: 'Seen' })]);
    expect(seen).not.toBe(edited);
  });

  it('compares the quote of a reply by its fields, not by its object', () => {
    const a = message('m1');
    const quote = { id: 'm0', senderName: 'Bob', text: 'earlier', state: 'shown' as const };
    expect(sameRow(row(a, { reply: quote }), row(a, { reply: { ...quote } }))).toBe(true);
    expect(sameRow(row(a, { reply: quote }), row(a, { reply: { ...quote, state: 'deleted', text: '' } }))).toBe(false);
    expect(sameRow(row(a, { reply: quote }), row(a, { reply: null }))).toBe(false);
  });

  it('forgets every row on clear (another room)', () => {
    const rows = new StableRows();
    const a = message('m1');
    const [before] = rows.keep([row(a)]);
    rows.clear();
    const [after] = rows.keep([row(a)]);
    expect(after).not.toBe(before);
    expect(after).toEqual(before);
  });
});
