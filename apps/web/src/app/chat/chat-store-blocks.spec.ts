import { signal } from '@angular/core';
import { RoomKind } from '@parley/contracts';
import { chatHarness, makeMessage, makeRoom, makeUser, settle } from './testing/chat-fakes';

jest.mock('./message-body/render-markdown', () => ({ toPlainText: (body: string) => body }));

const ana = makeUser({ id: 'user-ana', displayName: 'Ana Lima' });
const bo = makeUser({ id: 'user-bo', displayName: 'Bo Berg' });

/** A chat where I blocked Bo (the friends store hands the list over). */
async function blockedBo(rooms = [makeRoom({ id: 'a', name: 'Alpha', lastSeq: 1, lastRev: 1, lastReadSeq: 1 })]) {
  const h = chatHarness({ rooms });
  const blocked = signal<ReadonlySet<string>>(new Set([bo.id]));
  h.store.connectBlocked(blocked);
  await settle();
  return { ...h, blocked };
}

describe('ChatStore: messages from someone I blocked', () => {
  it('never reach the preview, the unread count, the tab title or a notification', async () => {
    const h = await blockedBo();
    h.realtime.push('message:new', makeMessage({ roomId: 'a', seq: 2, senderId: bo.id, body: 'SECRET plans', createdAt: '2025-01-05T10:00:00.000Z' }));

    const room = h.store.room('a')!;
    expect(room).toMatchObject({ lastSeq: 2, unreadCount: 0, lastMessage: { senderId: bo.id, text: '', hidden: true } });
    expect(JSON.stringify(room)).not.toContain('SECRET');
    expect(h.store.totalUnread()).toBe(0);
    expect(h.notifier.shown).toEqual([]);

    // Someone else's message right after counts, shows and notifies as usual.
    h.realtime.push('message:new', makeMessage({ roomId: 'a', seq: 3, senderId: ana.id, body: 'Lunch?' }));
    expect(h.store.room('a')).toMatchObject({ unreadCount: 1, lastMessage: { text: 'Lunch?', hidden: false } });
    expect(h.notifier.shown.map((n) => n.text)).toEqual(['Lunch?']);
  });

  it('count again once unblocked', async () => {
    const h = await blockedBo();
    h.blocked.set(new Set());
    h.realtime.push('message:new', makeMessage({ roomId: 'a', seq: 2, senderId: bo.id, body: 'Back again' }));
    expect(h.store.room('a')).toMatchObject({ unreadCount: 1, lastMessage: { text: 'Back again', hidden: false } });
    expect(h.notifier.shown).toHaveLength(1);
  });

  it('count again from the server once unblocked, with a message that came while the list was on its way', async () => {
    // Bo's message 2 and Ana's 3 are unread; with Bo blocked this client counts only Ana's.
    const h = await blockedBo([makeRoom({ id: 'a', lastSeq: 3, lastRev: 3, lastReadSeq: 1, unreadCount: 1 })]);
    // Unblocked: the friends store asks for the room list again, and the server counts both (2).
    h.rooms.rooms = [makeRoom({ id: 'a', lastSeq: 3, lastRev: 3, lastReadSeq: 1, unreadCount: 2 })];
    h.rooms.hold();
    h.blocked.set(new Set());
    const reloaded = h.store.loadRooms();
    // Bo writes again before the list arrives.
    h.realtime.push('message:new', makeMessage({ roomId: 'a', seq: 4, senderId: bo.id, body: 'Back again' }));
    expect(h.store.room('a')!.unreadCount).toBe(2);
    h.rooms.release();
    await reloaded;
    expect(h.store.room('a')).toMatchObject({ lastSeq: 4, unreadCount: 3, lastMessage: { text: 'Back again', hidden: false } });
    expect(h.store.totalUnread()).toBe(3);
  });

  it('are left out when reading recounts the rest, and their deletion lowers nothing', async () => {
    const h = await blockedBo([makeRoom({ id: 'a', lastSeq: 4, lastRev: 4, lastReadSeq: 1, unreadCount: 2 })]);
    h.messages.history.set('a', [
      makeMessage({ roomId: 'a', seq: 1, senderId: ana.id }),
      makeMessage({ roomId: 'a', seq: 2, senderId: ana.id }),
      makeMessage({ roomId: 'a', seq: 3, senderId: bo.id }),
      makeMessage({ roomId: 'a', seq: 4, senderId: ana.id }),
    ]);
    await h.realtime.connect();
    h.store.openRoom('a');
    await settle();
    h.store.markSeen('a', 2);
    expect(h.store.room('a')).toMatchObject({ lastReadSeq: 2, unreadCount: 1 });

    h.realtime.push('message:deleted', { roomId: 'a', messageId: 'msg-a-3', seq: 3, rev: 5, deletedAt: '2025-01-02T11:00:00.000Z' });
    expect(h.store.room('a')!.unreadCount).toBe(1);
  });

  it('a deletion of their last message, not held here, lowers nothing either', async () => {
    const h = await blockedBo([
      makeRoom({
        id: 'a',
        lastSeq: 3,
        lastRev: 3,
        lastReadSeq: 1,
        unreadCount: 1,
        lastMessage: { id: 'm3', seq: 3, senderId: bo.id, senderName: 'Bo Berg', text: '', deleted: false, hidden: true, attachmentCount: 0, encrypted: false, kind: 'user', createdAt: '2025-01-02T10:03:00.000Z' },
      }),
    ]);
    h.realtime.push('message:deleted', { roomId: 'a', messageId: 'm3', seq: 3, rev: 4, deletedAt: '2025-01-02T11:00:00.000Z' });
    expect(h.store.room('a')).toMatchObject({ unreadCount: 1, lastMessage: { deleted: true } });
  });

  it('in a direct room with them, nothing is counted or notified either (as the server counts)', async () => {
    const h = await blockedBo([makeRoom({ id: 'd', kind: RoomKind.Direct, name: 'Bo Berg', peer: bo })]);
    h.realtime.push('message:new', makeMessage({ roomId: 'd', seq: 1, senderId: bo.id, body: 'psst' }));
    expect(h.store.room('d')).toMatchObject({ unreadCount: 0, lastMessage: { hidden: true, text: '' } });
    expect(h.notifier.shown).toEqual([]);
  });
});
