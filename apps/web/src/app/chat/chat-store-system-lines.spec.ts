import { Message, RoomEvent } from '@parley/contracts';
import { ME, chatHarness, makeMessage, makeRoom, makeUser, settle } from './testing/chat-fakes';

jest.mock('./message-body/render-markdown', () => ({ toPlainText: (body: string) => body }));

const ana = makeUser({ id: 'user-ana', displayName: 'Ana Lima' });

/** A system line written by the server: empty body, the event, the actor as its sender. */
function systemLine(roomId: string, seq: number, event: RoomEvent): Message {
  return makeMessage({ roomId, seq, senderId: event.actor.id, body: '', kind: 'system', event });
}

const anaAddedMe: RoomEvent = { type: 'member_added', actor: { id: ana.id, name: 'Ana Lima' }, user: { id: ME, name: 'Me' } };

describe('ChatStore: system lines ("Ana added you")', () => {
  it('a live system line becomes the preview, in words from my side, without counting as unread or notifying', async () => {
    const h = chatHarness({
      rooms: [
        makeRoom({ id: 'a', name: 'Alpha', lastActivityAt: '2025-01-03T08:00:00.000Z' }),
        makeRoom({ id: 'b', name: 'Beta', lastSeq: 4, lastRev: 4, lastReadSeq: 4, lastActivityAt: '2025-01-01T08:00:00.000Z' }),
      ],
    });
    await settle();
    h.realtime.push('message:new', { ...systemLine('b', 5, anaAddedMe), createdAt: '2025-01-04T12:00:00.000Z' });

    expect(h.store.room('b')).toMatchObject({ lastSeq: 5, unreadCount: 0, lastMessage: { kind: 'system', text: 'Ana Lima added you' } });
    expect(h.store.rooms()[0]!.id).toBe('b');
    expect(h.store.totalUnread()).toBe(0);
    expect(h.notifier.shown).toEqual([]);

    // Mine reads "You …".
    h.realtime.push('message:new', systemLine('b', 6, { type: 'room_renamed', actor: { id: ME, name: 'Me' }, name: 'Liftoff' }));
    expect(h.store.room('b')!.lastMessage?.text).toBe('You renamed the room to “Liftoff”');
  });

  it('a message after a system line still counts and notifies as usual', async () => {
    const h = chatHarness({ rooms: [makeRoom({ id: 'a', lastSeq: 1, lastRev: 1, lastReadSeq: 1 })] });
    await settle();
    h.realtime.push('message:new', systemLine('a', 2, { type: 'member_joined', actor: { id: ana.id, name: 'Ana Lima' } }));
    h.realtime.push('message:new', makeMessage({ roomId: 'a', seq: 3, senderId: ana.id, body: 'Hello all' }));
    expect(h.store.room('a')).toMatchObject({ unreadCount: 1, lastMessage: { kind: 'user', text: 'Hello all' } });
    expect(h.notifier.shown.map((n) => n.text)).toEqual(['Hello all']);
  });

  it('reading recounts what is left without the system lines among it', async () => {
    // Read up to 1; then 2 (Ana), 3 (a system line), 4 (Ana): two unread, as the server counts.
    const h = chatHarness({ rooms: [makeRoom({ id: 'a', lastSeq: 4, lastRev: 4, lastReadSeq: 1, unreadCount: 2 })] });
    h.messages.history.set('a', [
      makeMessage({ roomId: 'a', seq: 1, senderId: ana.id }),
      makeMessage({ roomId: 'a', seq: 2, senderId: ana.id }),
      systemLine('a', 3, anaAddedMe),
      makeMessage({ roomId: 'a', seq: 4, senderId: ana.id }),
    ]);
    await h.realtime.connect();
    h.store.openRoom('a');
    await settle();

    h.store.markSeen('a', 2);
    expect(h.store.room('a')).toMatchObject({ lastReadSeq: 2, unreadCount: 1 });
    h.store.markSeen('a', 3);
    expect(h.store.room('a')).toMatchObject({ lastReadSeq: 3, unreadCount: 1 });
    expect(h.store.totalUnread()).toBe(1);
  });

  it("does not end its actor's typing indicator (Ana adding someone is not the message she is typing)", async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick'] });
    try {
      const h = chatHarness({ rooms: [makeRoom({ id: 'a' })] });
      await settle();
      h.store.people.rememberUsers([ana]);
      h.realtime.push('typing', { roomId: 'a', userId: ana.id, expiresInMs: 5000 });
      h.realtime.push('message:new', systemLine('a', 1, { type: 'member_added', actor: { id: ana.id, name: 'Ana Lima' }, user: { id: 'user-cy', name: 'Cy' } }));
      expect(h.store.people.typingNames('a')).toEqual(['Ana Lima']);
      // Her message does.
      h.realtime.push('message:new', makeMessage({ roomId: 'a', seq: 2, senderId: ana.id }));
      expect(h.store.people.typingNames('a')).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });
});
