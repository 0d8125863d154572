import { computed } from '@angular/core';
import { RoomKind, SocketErrorCode } from '@parley/contracts';
import { SocketRequestError } from '../core/realtime';
import { outboxStorageKey } from './outbox';
import { RECEIPT_BATCH_MS } from './members-store';
import { READ_SEND_INTERVAL_MS } from './read-markers';
import { ME, chatHarness, makeMember, makeMessage, makeRoom, makeUser, settle } from './testing/chat-fakes';

// The real renderer needs a DOM (it is covered by render-markdown.spec.ts); previews here only need some text.
jest.mock('./message-body/render-markdown', () => ({ toPlainText: (body: string) => body.replace(/\*\*/g, '') }));

const ana = makeUser({ id: 'user-ana', displayName: 'Ana Lima' });
const bo = makeUser({ id: 'user-bo', displayName: 'Bo Berg' });

describe('ChatStore: the room list', () => {
  it('lists my rooms by latest activity and adds up the unread counts', async () => {
    const { store } = chatHarness({
      rooms: [
        makeRoom({ id: 'old', name: 'Old', lastActivityAt: '2025-01-01T08:00:00.000Z', unreadCount: 2 }),
        makeRoom({ id: 'new', name: 'New', lastActivityAt: '2025-01-03T08:00:00.000Z', unreadCount: 3 }),
        makeRoom({ id: 'mid', name: 'Mid', lastActivityAt: '2025-01-02T08:00:00.000Z' }),
      ],
    });
    await settle();
    expect(store.rooms().map((r) => r.id)).toEqual(['new', 'mid', 'old']);
    expect(store.totalUnread()).toBe(5);
    expect(store.roomsState()).toBe('ready');
  });

  it("a new message from someone else updates the preview, counts as unread and moves the room to the top, once", async () => {
    const { store, realtime } = chatHarness({
      rooms: [
        makeRoom({ id: 'a', name: 'Alpha', lastActivityAt: '2025-01-03T08:00:00.000Z' }),
        makeRoom({ id: 'b', name: 'Beta', lastActivityAt: '2025-01-01T08:00:00.000Z', lastSeq: 4, lastRev: 4, lastReadSeq: 4 }),
      ],
    });
    await settle();
    const message = makeMessage({ roomId: 'b', seq: 5, senderId: ana.id, body: 'Lunch at **noon**?', createdAt: '2025-01-04T12:00:00.000Z' });
    realtime.push('message:new', message);
    realtime.push('message:new', message);

    const beta = store.room('b')!;
    expect(store.rooms()[0]!.id).toBe('b');
    expect(beta.unreadCount).toBe(1);
    expect(beta.lastSeq).toBe(5);
    expect(beta.lastMessage).toMatchObject({ id: message.id, text: 'Lunch at noon?', senderId: ana.id, deleted: false });
    expect(beta.lastActivityAt).toBe('2025-01-04T12:00:00.000Z');
    expect(store.totalUnread()).toBe(1);
  });

  it('a message of files and no words previews what the files are', async () => {
    const { store, realtime } = chatHarness({ rooms: [makeRoom({ id: 'a' })] });
    await settle();
    const photo = { id: 'f1', name: 'cat.png', size: 1000, mime: 'image/png', width: 4, height: 3, thumbnail: true };
    realtime.push('message:new', makeMessage({ roomId: 'a', seq: 1, senderId: ana.id, body: '', attachments: [photo] }));
    expect(store.room('a')!.lastMessage).toMatchObject({ text: '📷 Photo', attachmentCount: 1, encrypted: false });
    const pdf = { ...photo, id: 'f2', name: 'plan.pdf', mime: 'application/pdf', width: null, height: null, thumbnail: false };
    realtime.push('message:new', makeMessage({ roomId: 'a', seq: 2, senderId: ana.id, body: 'The plan', attachments: [pdf] }));
    expect(store.room('a')!.lastMessage).toMatchObject({ text: 'The plan', attachmentCount: 1 });
  });

  it('my own messages never count as unread', async () => {
    const { store, realtime } = chatHarness({ rooms: [makeRoom({ id: 'a' })] });
    await settle();
    realtime.push('message:new', makeMessage({ roomId: 'a', seq: 1, senderId: ME }));
    expect(store.room('a')!.unreadCount).toBe(0);
    expect(store.room('a')!.lastMessage?.senderName).toBe('You');
  });

  it('a deleted unread message no longer counts; an edit of the last message updates the preview', async () => {
    const last = makeMessage({ roomId: 'a', seq: 3, senderId: ana.id, body: 'typo' });
    const { store, realtime } = chatHarness({
      rooms: [
        makeRoom({
          id: 'a',
          lastSeq: 3,
          lastRev: 3,
          lastReadSeq: 1,
          unreadCount: 2,
          lastMessage: { id: last.id, seq: 3, senderId: ana.id, senderName: 'Ana Lima', text: 'typo', deleted: false, hidden: false, attachmentCount: 0, encrypted: false, kind: 'user', createdAt: last.createdAt },
        }),
      ],
    });
    await settle();
    realtime.push('message:updated', { ...last, body: 'fixed', rev: 4, editedAt: '2025-01-02T10:05:00.000Z' });
    expect(store.room('a')!.lastMessage?.text).toBe('fixed');
    expect(store.room('a')!.unreadCount).toBe(2);

    realtime.push('message:deleted', { roomId: 'a', messageId: last.id, seq: 3, rev: 5, deletedAt: '2025-01-02T10:06:00.000Z' });
    expect(store.room('a')!.lastMessage).toMatchObject({ deleted: true, text: '' });
    expect(store.room('a')!.unreadCount).toBe(1);
    // The same deletion again changes nothing.
    realtime.push('message:deleted', { roomId: 'a', messageId: last.id, seq: 3, rev: 5, deletedAt: '2025-01-02T10:06:00.000Z' });
    expect(store.room('a')!.unreadCount).toBe(1);
  });

  it('a room list fetched before a join or a leave does not undo it', async () => {
    const h = chatHarness({ rooms: [makeRoom({ id: 'a' }), makeRoom({ id: 'b' })] });
    await settle();
    h.rooms.hold();
    const reload = h.store.loadRooms();
    h.realtime.push('room:joined', { room: makeRoom({ id: 'new' }) });
    h.realtime.push('room:left', { roomId: 'b', userId: ME });
    h.realtime.push('message:new', makeMessage({ roomId: 'a', seq: 1, senderId: ana.id }));
    h.rooms.release();
    await reload;
    expect(h.store.rooms().map((r) => r.id).sort()).toEqual(['a', 'new']);
    expect(h.store.room('a')!.unreadCount).toBe(1);
  });

  it('rooms come and go with room:joined, room:left and room:updated', async () => {
    const { store, realtime } = chatHarness({ rooms: [makeRoom({ id: 'a', name: 'Alpha' })] });
    await settle();
    realtime.push('room:joined', { room: makeRoom({ id: 'b', name: 'Beta', lastActivityAt: '2025-02-01T00:00:00.000Z' }) });
    expect(store.rooms().map((r) => r.name)).toEqual(['Beta', 'Alpha']);

    realtime.push('room:updated', { roomId: 'b', name: 'Beta team', topic: 'Releases', archivedAt: null, ownerId: ana.id, memberCount: 7, myRole: 'admin' });
    expect(store.room('b')).toMatchObject({ name: 'Beta team', topic: 'Releases', memberCount: 7, myRole: 'admin' });

    realtime.push('room:left', { roomId: 'a', userId: ana.id });
    expect(store.room('a')).not.toBeNull();
    realtime.push('room:left', { roomId: 'a', userId: ME });
    expect(store.room('a')).toBeNull();
  });
});

describe('ChatStore: messages of an open room', () => {
  it('loads the latest page, then older pages on request, in seq order without duplicates', async () => {
    const h = chatHarness({ rooms: [makeRoom({ id: 'a', lastSeq: 120, lastRev: 120 })] });
    h.messages.history.set('a', Array.from({ length: 120 }, (_, i) => makeMessage({ roomId: 'a', seq: i + 1 })));
    await settle();

    h.store.openRoom('a');
    await settle();
    let timeline = h.store.timeline('a')!;
    expect(timeline.status).toBe('ready');
    expect(timeline.items.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 71));
    expect(timeline.hasOlder).toBe(true);

    await h.store.loadOlder('a');
    await h.store.loadOlder('a');
    timeline = h.store.timeline('a')!;
    expect(timeline.items.map((m) => m.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(timeline.hasOlder).toBe(false);
    expect(h.store.messages('a')().every((m) => m.state === 'sent')).toBe(true);
  });

  it('upserts live events by id: new ones append, edits replace, deletions leave a tombstone, stale revisions are ignored', async () => {
    const h = chatHarness({ rooms: [makeRoom({ id: 'a', lastSeq: 2, lastRev: 2 })] });
    h.messages.history.set('a', [makeMessage({ roomId: 'a', seq: 1 }), makeMessage({ roomId: 'a', seq: 2 })]);
    await settle();
    h.store.openRoom('a');
    await settle();

    const third = makeMessage({ roomId: 'a', seq: 3, senderId: ana.id, body: 'hello' });
    h.realtime.push('message:new', third);
    h.realtime.push('message:new', third);
    h.realtime.push('message:updated', { ...third, body: 'hello there', rev: 5, editedAt: '2025-01-02T10:10:00.000Z' });
    // An older copy arriving late (a sync answer overtaken by the live edit) must not undo the edit.
    h.realtime.push('message:updated', third);
    h.realtime.push('message:deleted', { roomId: 'a', messageId: 'msg-a-1', seq: 1, rev: 6, deletedAt: '2025-01-02T10:11:00.000Z' });

    const items = h.store.messages('a')();
    expect(items.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(items[2]).toMatchObject({ body: 'hello there', editedAt: '2025-01-02T10:10:00.000Z' });
    expect(items[0]).toMatchObject({ body: '', deletedAt: '2025-01-02T10:11:00.000Z' });
  });

  it('a message that did not change keeps its object when the conversation changes (only what changed is redrawn)', async () => {
    const h = chatHarness({ rooms: [makeRoom({ id: 'a', lastSeq: 2, lastRev: 2 })] });
    h.messages.history.set('a', [makeMessage({ roomId: 'a', seq: 1 }), makeMessage({ roomId: 'a', seq: 2 })]);
    await settle();
    h.store.openRoom('a');
    await settle();
    const [first, second] = h.store.messages('a')();
    h.store.send('a', 'on its way');
    const withPending = h.store.messages('a')();
    expect(withPending[0]).toBe(first);
    expect(withPending[1]).toBe(second);
    expect(withPending[2]).toMatchObject({ body: 'on its way', state: 'sending' });
    h.realtime.push('message:updated', { ...makeMessage({ roomId: 'a', seq: 2 }), body: 'edited', rev: 3 });
    const afterEdit = h.store.messages('a')();
    expect(afterEdit[0]).toBe(first);
    expect(afterEdit[1]).not.toBe(second);
    expect(afterEdit[1]).toMatchObject({ body: 'edited' });
    expect(afterEdit[2]).toBe(withPending[2]);
  });

  it('keeps messages that arrive while the first page is loading', async () => {
    const h = chatHarness({ rooms: [makeRoom({ id: 'a', lastSeq: 2, lastRev: 2 })] });
    h.messages.history.set('a', [makeMessage({ roomId: 'a', seq: 1 }), makeMessage({ roomId: 'a', seq: 2 })]);
    await settle();
    h.store.openRoom('a');
    h.realtime.push('message:new', makeMessage({ roomId: 'a', seq: 3 }));
    await settle();
    expect(h.store.messages('a')().map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('tracks read receipts for "Seen by" and my own reads from other devices', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick'] });
    const h = chatHarness({ rooms: [makeRoom({ id: 'a', lastSeq: 5, lastRev: 5, lastReadSeq: 2, unreadCount: 3 })] });
    h.rooms.members.set('a', [makeMember(makeUser({ id: ME }), 2), makeMember(ana, 1), makeMember(bo, 4)]);
    h.messages.history.set('a', Array.from({ length: 5 }, (_, i) => makeMessage({ roomId: 'a', seq: i + 1, senderId: i < 2 ? ME : ana.id })));
    await settle();
    h.store.openRoom('a');
    await settle();

    expect(h.store.seenBy('a', 4).map((m) => m.user.id)).toEqual([bo.id]);
    h.realtime.push('receipt', { roomId: 'a', userId: ana.id, seq: 5 });
    jest.advanceTimersByTime(RECEIPT_BATCH_MS);
    expect(h.store.seenBy('a', 4).map((m) => m.user.id)).toEqual([ana.id, bo.id]);

    // Read on my phone: this tab's badge goes too, at once.
    h.realtime.push('receipt', { roomId: 'a', userId: ME, seq: 4 });
    expect(h.store.room('a')).toMatchObject({ lastReadSeq: 4, unreadCount: 1 });
    h.realtime.push('receipt', { roomId: 'a', userId: ME, seq: 5 });
    expect(h.store.room('a')!.unreadCount).toBe(0);
    jest.useRealTimers();
  });

  it('receipts of several readers within RECEIPT_BATCH_MS move "Seen by" once', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick'] });
    const h = chatHarness({ rooms: [makeRoom({ id: 'a', lastSeq: 3, lastRev: 3, lastReadSeq: 3 })] });
    h.rooms.members.set('a', [makeMember(makeUser({ id: ME }), 3), makeMember(ana, 1), makeMember(bo, 1)]);
    h.messages.history.set('a', Array.from({ length: 3 }, (_, i) => makeMessage({ roomId: 'a', seq: i + 1, senderId: ME })));
    await settle();
    h.store.openRoom('a');
    await settle();
    let changes = 0;
    const seen = computed(() => h.store.seenBy('a', 3).map((m) => m.user.id));
    const watcher = computed(() => (seen(), ++changes));
    watcher();
    h.realtime.push('receipt', { roomId: 'a', userId: ana.id, seq: 3 });
    jest.advanceTimersByTime(RECEIPT_BATCH_MS / 2);
    h.realtime.push('receipt', { roomId: 'a', userId: bo.id, seq: 2 });
    h.realtime.push('receipt', { roomId: 'a', userId: bo.id, seq: 3 });
    // A stale receipt does not move anyone back.
    h.realtime.push('receipt', { roomId: 'a', userId: ana.id, seq: 1 });
    expect(seen()).toEqual([]);
    jest.advanceTimersByTime(RECEIPT_BATCH_MS / 2);
    expect(seen()).toEqual([ana.id, bo.id]);
    watcher();
    expect(changes).toBe(2);
    // Nobody read further: nothing changes.
    h.realtime.push('receipt', { roomId: 'a', userId: bo.id, seq: 3 });
    jest.advanceTimersByTime(RECEIPT_BATCH_MS);
    watcher();
    expect(changes).toBe(2);
    jest.useRealTimers();
  });

  it('marks what was seen as read at once, never beyond, and tells the server', async () => {
    const h = chatHarness({ rooms: [makeRoom({ id: 'a', lastSeq: 7, lastRev: 7, lastReadSeq: 3, unreadCount: 4 })] });
    h.messages.history.set('a', Array.from({ length: 7 }, (_, i) => makeMessage({ roomId: 'a', seq: i + 1, senderId: ana.id })));
    await h.realtime.connect();
    h.store.openRoom('a');
    await settle();

    h.store.markSeen('a', 5);
    expect(h.store.room('a')).toMatchObject({ lastReadSeq: 5, unreadCount: 2 });
    expect(h.store.totalUnread()).toBe(2);
    expect(h.realtime.requestsFor('room:read')).toEqual([{ roomId: 'a', seq: 5 }]);
    // Seeing an older message again moves nothing; a seq past the room's last message stops at it.
    h.store.markSeen('a', 4);
    expect(h.store.room('a')!.lastReadSeq).toBe(5);
    h.store.markSeen('a', 99);
    expect(h.store.room('a')).toMatchObject({ lastReadSeq: 7, unreadCount: 0 });
  });

  it('reading down a backlog sends the newest position at most every interval, and the last one always', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick'] });
    try {
      const h = chatHarness({ rooms: [makeRoom({ id: 'a', lastSeq: 130, lastRev: 130, lastReadSeq: 0, unreadCount: 130 })] });
      await settle();
      await h.realtime.connect();
      for (let seq = 1; seq <= 40; seq++) h.store.markSeen('a', seq);
      expect(h.realtime.requestsFor('room:read')).toEqual([{ roomId: 'a', seq: 1 }]);
      expect(h.store.room('a')!.lastReadSeq).toBe(40);

      jest.advanceTimersByTime(READ_SEND_INTERVAL_MS);
      await settle();
      expect(h.realtime.requestsFor('room:read')).toEqual([
        { roomId: 'a', seq: 1 },
        { roomId: 'a', seq: 40 },
      ]);
      jest.advanceTimersByTime(READ_SEND_INTERVAL_MS * 3);
      await settle();
      expect(h.realtime.requestsFor('room:read')).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a read made offline goes to the server after the reconnect, and a stale room list does not undo it', async () => {
    const h = chatHarness({ rooms: [makeRoom({ id: 'a', lastSeq: 9, lastRev: 9, lastReadSeq: 2, unreadCount: 7 })] });
    await settle();
    h.store.markSeen('a', 6);
    expect(h.realtime.requestsFor('room:read')).toEqual([]);
    await h.realtime.connect();
    expect(h.realtime.requestsFor('room:read')).toEqual([{ roomId: 'a', seq: 6 }]);
    expect(h.store.room('a')!.lastReadSeq).toBe(6);
  });

  it('shows who is typing until the indicator expires or their message arrives', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick'] });
    try {
      const h = chatHarness({ rooms: [makeRoom({ id: 'a' })] });
      h.rooms.members.set('a', [makeMember(ana), makeMember(bo)]);
      await settle();
      h.store.openRoom('a');
      await settle();
      h.realtime.push('typing', { roomId: 'a', userId: ana.id, expiresInMs: 5000 });
      h.realtime.push('typing', { roomId: 'a', userId: bo.id, expiresInMs: 1000 });
      expect(h.store.people.typingNames('a')).toEqual(['Ana Lima', 'Bo Berg']);

      jest.advanceTimersByTime(1100);
      expect(h.store.people.typingNames('a')).toEqual(['Ana Lima']);
      h.realtime.push('message:new', makeMessage({ roomId: 'a', seq: 1, senderId: ana.id }));
      expect(h.store.people.typingNames('a')).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('notifies about new messages from others, not about my own', async () => {
    const h = chatHarness({ rooms: [makeRoom({ id: 'd', kind: RoomKind.Direct, name: 'Ana Lima', peer: ana })] });
    await settle();
    h.realtime.push('message:new', makeMessage({ roomId: 'd', seq: 1, senderId: ana.id, body: '**Hi**' }));
    h.realtime.push('message:new', makeMessage({ roomId: 'd', seq: 2, senderId: ME }));
    expect(h.notifier.shown).toEqual([{ roomId: 'd', roomName: 'Ana Lima', direct: true, senderName: 'Ana Lima', text: 'Hi' }]);
  });

  it('makes no notification while someone is looking at the tab, and counts the message as unread all the same', async () => {
    const h = chatHarness({ rooms: [makeRoom({ id: 'd', kind: RoomKind.Direct, name: 'Ana Lima', peer: ana })] });
    await settle();
    h.notifier.notifying = false;
    h.realtime.push('message:new', makeMessage({ roomId: 'd', seq: 1, senderId: ana.id, body: 'Seen here' }));
    expect(h.notifier.shown).toEqual([]);
    expect(h.store.room('d')?.unreadCount).toBe(1);
    h.notifier.notifying = true;
    h.realtime.push('message:new', makeMessage({ roomId: 'd', seq: 2, senderId: ana.id, body: 'Tab hidden' }));
    expect(h.notifier.shown.map((n) => n.text)).toEqual(['Tab hidden']);
  });
});

describe('ChatStore: the outbox', () => {
  async function openRoomHarness(storage?: ReturnType<typeof chatHarness>['storage']) {
    const h = chatHarness({ rooms: [makeRoom({ id: 'a' })], storage });
    h.messages.history.set('a', []);
    await settle();
    h.store.openRoom('a');
    await settle();
    return h;
  }

  it('shows a message as sending until the ack, then as sent with the server copy', async () => {
    const h = await openRoomHarness();
    await h.realtime.connect();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.realtime.responders.set('message:send', (event, payload) => gate.then(() => ({ message: makeMessage({ roomId: 'a', seq: 1, senderId: ME, body: 'hi', clientMsgId: (payload as { clientMsgId: string }).clientMsgId }) })));

    h.store.send('a', 'hi');
    expect(h.store.messages('a')()).toEqual([expect.objectContaining({ body: 'hi', state: 'sending' })]);
    const pendingKey = h.store.messages('a')()[0]!.key;

    release();
    await settle();
    const [sent] = h.store.messages('a')();
    expect(sent).toMatchObject({ body: 'hi', state: 'sent', seq: 1 });
    // The row keeps its identity from pending to sent (no flicker in the list).
    expect(sent!.key).toBe(pendingKey);
    expect(h.store.outbox()).toEqual([]);
    expect(h.storage.data.has(outboxStorageKey(ME))).toBe(false);
  });

  it('sends the files of a message with it, shows them while it is on its way, and keeps them across a reload', async () => {
    const first = await openRoomHarness();
    const photo = { id: 'f1', name: 'cat.png', size: 1000, mime: 'image/png', width: 4, height: 3, thumbnail: true };
    first.store.send('a', '', null, [photo]);
    expect(first.store.messages('a')()).toEqual([expect.objectContaining({ body: '', attachments: [photo], state: 'sending' })]);

    const second = await openRoomHarness(first.storage);
    second.realtime.files.set(photo.id, photo);
    await second.realtime.connect();
    expect(second.realtime.requestsFor('message:send')).toEqual([expect.objectContaining({ body: '', attachmentIds: ['f1'] })]);
    expect(second.store.messages('a')()).toEqual([expect.objectContaining({ attachments: [photo], state: 'sent', seq: 1 })]);
  });

  it('keeps messages typed offline across a reload and sends each once, in order, after reconnecting', async () => {
    const first = await openRoomHarness();
    first.store.send('a', 'one');
    first.store.send('a', 'two');
    await settle();
    expect(first.store.messages('a')().map((m) => [m.body, m.state])).toEqual([
      ['one', 'sending'],
      ['two', 'sending'],
    ]);
    expect(first.realtime.requestsFor('message:send')).toEqual([]);
    expect(JSON.parse(first.storage.data.get(outboxStorageKey(ME))!)).toHaveLength(2);

    // Reload: a new store on the same storage still has them queued.
    const second = await openRoomHarness(first.storage);
    expect(second.store.messages('a')().map((m) => [m.body, m.state])).toEqual([
      ['one', 'sending'],
      ['two', 'sending'],
    ]);
    await second.realtime.connect();
    expect(second.realtime.requestsFor('message:send').map((p) => (p as { body: string }).body)).toEqual(['one', 'two']);
    expect(second.store.messages('a')().map((m) => [m.body, m.state, m.seq])).toEqual([
      ['one', 'sent', 1],
      ['two', 'sent', 2],
    ]);

    // Another reconnect sends nothing again.
    second.realtime.disconnect();
    await second.realtime.connect(true);
    expect(second.realtime.requestsFor('message:send')).toHaveLength(2);
    expect(second.storage.data.has(outboxStorageKey(ME))).toBe(false);
  });

  it('a refused message shows as failed; Retry sends it again', async () => {
    const h = await openRoomHarness();
    await h.realtime.connect();
    h.realtime.responders.set('message:send', () => ({ error: { code: SocketErrorCode.Forbidden, message: 'This room is archived.' } }));
    h.store.send('a', 'hello');
    await settle();
    const [failed] = h.store.messages('a')();
    expect(failed).toMatchObject({ state: 'failed', error: 'This room is archived.' });

    h.realtime.responders.delete('message:send');
    h.store.retry(failed!.clientMsgId);
    await settle();
    expect(h.store.messages('a')()).toEqual([expect.objectContaining({ body: 'hello', state: 'sent' })]);
  });

  it('a rate-limited message is retried once by itself, then waits for the user', async () => {
    const h = await openRoomHarness();
    await h.realtime.connect();
    h.realtime.responders.set('message:send', () => ({ error: { code: SocketErrorCode.RateLimited, message: 'Slow down.', retryAfterMs: 5 } }));
    h.store.send('a', 'spam?');
    await new Promise((resolve) => setTimeout(resolve, 30));
    await settle();
    expect(h.realtime.requestsFor('message:send')).toHaveLength(2);
    expect(h.store.messages('a')()[0]).toMatchObject({ state: 'failed', error: 'Slow down.' });
  });

  it('a send whose connection drops stays queued and goes after the reconnect', async () => {
    const h = await openRoomHarness();
    await h.realtime.connect();
    h.realtime.responders.set('message:send', () => {
      h.realtime.disconnect();
      throw new SocketRequestError({ code: SocketErrorCode.Unavailable, message: 'The server did not answer in time.' }, true);
    });
    h.store.send('a', 'in the tunnel');
    await settle();
    expect(h.store.messages('a')()).toEqual([expect.objectContaining({ body: 'in the tunnel', state: 'sending' })]);

    h.realtime.responders.delete('message:send');
    await h.realtime.connect(true);
    expect(h.store.messages('a')()).toEqual([expect.objectContaining({ body: 'in the tunnel', state: 'sent' })]);
    expect(h.realtime.requestsFor('message:send')).toHaveLength(2);
  });

  it('the server copy arriving before the ack replaces the pending message (one message, not two)', async () => {
    const h = await openRoomHarness();
    await h.realtime.connect();
    h.realtime.responders.set('message:send', (event, payload) => {
      const p = payload as { clientMsgId: string };
      const message = makeMessage({ roomId: 'a', seq: 1, senderId: ME, body: 'race', clientMsgId: p.clientMsgId });
      h.realtime.push('message:new', message);
      return { message };
    });
    h.store.send('a', 'race');
    await settle();
    expect(h.store.messages('a')()).toEqual([expect.objectContaining({ body: 'race', state: 'sent' })]);
  });
});

describe('ChatStore: catching up after a reconnect', () => {
  it('asks from the cursors it held when the connection dropped and applies what it missed', async () => {
    const h = chatHarness({
      rooms: [makeRoom({ id: 'a', lastSeq: 2, lastRev: 2 }), makeRoom({ id: 'b', lastSeq: 9, lastRev: 12, lastReadSeq: 9 })],
    });
    h.messages.history.set('a', [makeMessage({ roomId: 'a', seq: 1 }), makeMessage({ roomId: 'a', seq: 2 })]);
    await settle();
    h.store.openRoom('a');
    await h.realtime.connect();
    h.realtime.disconnect();

    // Meanwhile on the server: room a got messages 3 and 4 and an edit of 1; room b got 10; room c is gone.
    h.rooms.rooms = [
      makeRoom({ id: 'a', lastSeq: 5, lastRev: 6, unreadCount: 3 }),
      makeRoom({ id: 'b', lastSeq: 10, lastRev: 13, lastReadSeq: 9, unreadCount: 1 }),
    ];
    const missed = [
      makeMessage({ roomId: 'a', seq: 1, rev: 5, body: 'edited', editedAt: '2025-01-02T11:00:00.000Z' }),
      makeMessage({ roomId: 'a', seq: 3 }),
      makeMessage({ roomId: 'a', seq: 4 }),
    ];
    h.realtime.responders.set('sync', () => ({ rooms: [{ roomId: 'a', messages: missed, lastSeq: 4, lastRev: 5, hasMore: false }], removed: [] }));
    // A live message arrives on the new connection before the sync: it must not move the cursor past the gap.
    await h.realtime.connect(true, () => h.realtime.push('message:new', makeMessage({ roomId: 'a', seq: 5, rev: 6, senderId: ana.id })));

    const [cursors] = h.realtime.requestsFor('sync').slice(-1) as { since: Record<string, number>; revs: Record<string, number> }[];
    expect(cursors!.since).toEqual({ a: 2, b: 10 });
    expect(cursors!.revs).toEqual({ a: 2, b: 13 });
    expect(h.store.messages('a')().map((m) => [m.seq, m.body])).toEqual([
      [1, 'edited'],
      [2, 'message 2'],
      [3, 'message 3'],
      [4, 'message 4'],
      [5, 'message 5'],
    ]);
    // The counts are the server's (the refreshed list), not counted twice.
    expect(h.store.room('a')!.unreadCount).toBe(3);
    expect(h.store.room('b')!.unreadCount).toBe(1);
  });

  it('drops rooms the sync reports as removed', async () => {
    const h = chatHarness({ rooms: [makeRoom({ id: 'a' }), makeRoom({ id: 'gone' })] });
    await settle();
    h.realtime.responders.set('sync', () => ({ rooms: [], removed: ['gone'] }));
    await h.realtime.connect();
    expect(h.store.rooms().map((r) => r.id)).toEqual(['a']);
  });

  it('loads the room list again for a room joined after the list came and before the socket listened', async () => {
    const h = chatHarness({ rooms: [makeRoom({ id: 'a' })] });
    await settle();
    // Someone added me to room b meanwhile: its room:joined went out before this socket was there to hear it.
    h.rooms.rooms = [makeRoom({ id: 'a' }), makeRoom({ id: 'b', name: 'Added meanwhile' })];
    h.realtime.responders.set('sync', () => ({ rooms: [], removed: [], pending: [], joined: ['b'] }));
    await h.realtime.connect();
    expect(h.store.rooms().map((r) => r.id).sort()).toEqual(['a', 'b']);
    expect(h.store.room('b')!.name).toBe('Added meanwhile');
  });
});

describe('ChatStore: opening a room with a long backlog', () => {
  const history = Array.from({ length: 500 }, (_, i) => makeMessage({ roomId: 'a', seq: i + 1, senderId: ana.id, body: `m${i + 1}` }));

  async function backlog() {
    const h = chatHarness({ rooms: [makeRoom({ id: 'a', lastSeq: 500, lastRev: 500, lastReadSeq: 370, unreadCount: 130 })] });
    h.messages.history.set('a', history);
    await settle();
    await h.realtime.connect();
    h.store.openRoom('a');
    await settle();
    return h;
  }

  it('loads the page around the first unread message, not the newest, and reads nothing by itself', async () => {
    const h = await backlog();
    const seqs = h.store.messages('a')().map((m) => m.seq);
    expect(seqs[0]).toBe(361);
    expect(seqs).toContain(371);
    expect(h.store.timeline('a')).toMatchObject({ hasOlder: true, hasNewer: true });
    expect(h.store.room('a')).toMatchObject({ lastReadSeq: 370, unreadCount: 130 });
    expect(h.realtime.requestsFor('room:read')).toEqual([]);

    // Ten of them seen: the badge goes down by ten (the rest are not loaded, but still counted).
    h.store.markSeen('a', 380);
    expect(h.store.room('a')).toMatchObject({ lastReadSeq: 380, unreadCount: 120 });
    expect(h.realtime.requestsFor('room:read')).toEqual([{ roomId: 'a', seq: 380 }]);
  });

  it('new messages wait while newer pages are missing; loading them joins up to the end', async () => {
    const h = await backlog();
    h.realtime.push('message:new', makeMessage({ roomId: 'a', seq: 501, senderId: ana.id }));
    expect(h.store.messages('a')().some((m) => m.seq === 501)).toBe(false);
    expect(h.store.room('a')!.unreadCount).toBe(131);
    h.messages.history.set('a', [...history, makeMessage({ roomId: 'a', seq: 501, senderId: ana.id })]);

    for (let i = 0; i < 5 && h.store.timeline('a')!.hasNewer; i++) await h.store.loadNewer('a');
    const seqs = h.store.messages('a')().map((m) => m.seq);
    expect(seqs.at(-1)).toBe(501);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 361 + i));
    expect(h.store.timeline('a')!.hasNewer).toBe(false);
    // Now at the end: the next one is appended at once.
    h.realtime.push('message:new', makeMessage({ roomId: 'a', seq: 502, senderId: ana.id }));
    expect(h.store.messages('a')().at(-1)!.seq).toBe(502);
  });

  it('jumping to the latest and back to the first unread replaces what is held', async () => {
    const h = await backlog();
    await h.store.loadLatest('a');
    expect(h.store.messages('a')().map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 451 + i));
    expect(h.store.timeline('a')).toMatchObject({ hasOlder: true, hasNewer: false });
    await h.store.loadFirstUnread('a', 370);
    expect(h.store.messages('a')()[0]!.seq).toBe(361);
    expect(h.store.timeline('a')!.hasNewer).toBe(true);
  });

  it('the sync after a reconnect goes on from the room list, not from the end of the partial page', async () => {
    const h = await backlog();
    h.realtime.disconnect();
    await h.realtime.connect(true);
    const [cursors] = h.realtime.requestsFor('sync').slice(-1) as { since: Record<string, number> }[];
    expect(cursors!.since['a']).toBe(500);
  });

  it('opening again re-loads around the first unread when the held messages do not include it', async () => {
    const h = await backlog();
    await h.store.loadLatest('a');
    h.store.openRoom('a');
    await settle();
    expect(h.store.messages('a')()[0]!.seq).toBe(361);
  });
});
