import { MEGOLM_ALGORITHM, Message } from '@parley/contracts';
import { SHOW_WHILE_PREPARING_MS } from './outbox-queue';
import { ME, chatHarness, makeMessage, makeRoom, makeUser, settle } from './testing/chat-fakes';

jest.mock('./message-body/render-markdown', () => ({ toPlainText: (body: string) => body }));

const ana = makeUser({ id: 'user-ana', displayName: 'Ana Lima' });
const cipher = (body: string, sessionId = 's-1') => ({
  algorithm: MEGOLM_ALGORITHM,
  ciphertext: btoa(JSON.stringify({ body, attachments: [] })),
  senderKey: 'k',
  senderDeviceId: 'ABCDEFGHIJ',
  sessionId,
});

/** An open encrypted room where two messages just arrived: "first" (its key is here) and "second" (its key is not). */
async function twoArrivals() {
  const harness = chatHarness({ rooms: [makeRoom({ id: 'r', encrypted: true, lastSeq: 0 })] });
  await settle();
  harness.store.openRoom('r');
  await settle();
  harness.e2ee.missingKeys.add('s-late');
  harness.realtime.push('message:new', makeMessage({ roomId: 'r', seq: 1, senderId: ana.id, body: '', encrypted: cipher('first', 's-1') }));
  harness.realtime.push('message:new', makeMessage({ roomId: 'r', seq: 2, senderId: ana.id, body: '', encrypted: cipher('second', 's-late') }));
  return harness;
}

describe('ChatStore in an end-to-end encrypted room', () => {
  it('sends an empty body with the ciphertext, never the text', async () => {
    const { store, realtime, e2ee } = chatHarness({ rooms: [makeRoom({ id: 'r', encrypted: true })] });
    await settle();
    store.openRoom('r');
    await realtime.connect();
    store.send('r', 'the launch code is 1234');
    await settle();
    const [sent] = realtime.requestsFor('message:send') as { body: string; encrypted?: { ciphertext: string } }[];
    expect(sent!.body).toBe('');
    expect(sent!.encrypted?.ciphertext).toBeTruthy();
    expect(JSON.stringify(sent)).not.toContain('launch code');
    expect(e2ee.encrypted).toEqual([{ roomId: 'r', content: { body: 'the launch code is 1234', attachments: [] } }]);
    // The conversation shows the decrypted text of the server's copy.
    await settle();
    expect(store.messages('r')().map((m) => m.body)).toEqual(['the launch code is 1234']);
  });

  it('encrypts the next message while the one before waits for the server; still sends one at a time, in order', async () => {
    const { store, realtime, e2ee } = chatHarness({ rooms: [makeRoom({ id: 'r', encrypted: true })] });
    await settle();
    store.openRoom('r');
    await realtime.connect();
    const gates: (() => void)[] = [];
    let seq = 0;
    realtime.responders.set('message:send', (_event, payload) => {
      const { clientMsgId, encrypted } = payload as Pick<Message, 'clientMsgId' | 'encrypted'>;
      return new Promise<void>((resolve) => gates.push(resolve)).then(() => ({ message: makeMessage({ roomId: 'r', seq: ++seq, senderId: ME, body: '', clientMsgId, encrypted }) }));
    });
    store.send('r', 'one');
    store.send('r', 'two');
    store.send('r', 'three');
    await settle();
    expect(realtime.requestsFor('message:send')).toHaveLength(1);
    expect(e2ee.encrypted.map((e) => e.content.body)).toEqual(['one', 'two']);
    gates.shift()!();
    await settle();
    expect(realtime.requestsFor('message:send')).toHaveLength(2);
    expect(e2ee.encrypted.map((e) => e.content.body)).toEqual(['one', 'two', 'three']);
    gates.shift()!();
    await settle();
    gates.shift()!();
    await settle();
    const sent = realtime.requestsFor('message:send') as { encrypted: { ciphertext: string } }[];
    expect(sent.map((m) => (JSON.parse(atob(m.encrypted.ciphertext)) as { body: string }).body)).toEqual(['one', 'two', 'three']);
    expect(store.messages('r')().map((m) => [m.body, m.state])).toEqual([
      ['one', 'sent'],
      ['two', 'sent'],
      ['three', 'sent'],
    ]);
  });

  it('shows my new message once it is encrypted, so the page does not redraw between the encryption and the send; after 100 ms at the latest', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick'] });
    try {
      const { store, realtime, e2ee } = chatHarness({ rooms: [makeRoom({ id: 'r', encrypted: true }), makeRoom({ id: 'p' })] });
      await settle();
      store.openRoom('r');
      await realtime.connect();
      const rows = () => store.messages('r')().map((m) => [m.body, m.state]);
      // A plain room's message shows at once.
      store.send('p', 'plain');
      expect(store.messages('p')().map((m) => m.body)).toEqual(['plain']);
      await settle();
      // Encrypted quickly: shown with its send, not before.
      store.send('r', 'quick');
      expect(rows()).toEqual([]);
      await settle();
      expect(realtime.requestsFor('message:send').map((m) => (m as { roomId: string }).roomId)).toContain('r');
      expect(rows()).toEqual([['quick', 'sent']]);
      // Slow (the room key going to every device): shown as sending after SHOW_WHILE_PREPARING_MS anyway.
      let release!: () => void;
      e2ee.encryptionHeld = new Promise<void>((resolve) => (release = resolve));
      store.send('r', 'slow');
      await settle();
      expect(rows()).toEqual([['quick', 'sent']]);
      jest.advanceTimersByTime(SHOW_WHILE_PREPARING_MS - 1);
      expect(rows()).toEqual([['quick', 'sent']]);
      jest.advanceTimersByTime(1);
      expect(rows()).toEqual([
        ['quick', 'sent'],
        ['slow', 'sending'],
      ]);
      release();
      await settle();
      expect(rows()).toEqual([
        ['quick', 'sent'],
        ['slow', 'sent'],
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a plain room still sends the body as it is', async () => {
    const { store, realtime } = chatHarness({ rooms: [makeRoom({ id: 'p' })] });
    await realtime.connect();
    store.send('p', 'hello');
    await settle();
    expect(realtime.requestsFor('message:send')).toEqual([expect.objectContaining({ body: 'hello' })]);
    expect((realtime.requestsFor('message:send')[0] as { encrypted?: unknown }).encrypted).toBeUndefined();
  });

  it('shows an arriving message once decrypted, not "decrypting" first; one whose key is missing waits and is read when the key arrives', async () => {
    const { store, e2ee } = await twoArrivals();
    expect(store.messages('r')()).toEqual([]);
    await settle();
    const [first, second] = store.messages('r')();
    expect(first!.body).toBe('first');
    expect(first!.e2ee).toMatchObject({ state: 'decrypted', trust: { shield: 'grey' } });
    expect(second!.body).toBe('');
    expect(second!.e2ee).toMatchObject({ state: 'waiting', reason: 'missing_key' });
    e2ee.deliverKey('r', 's-late');
    await settle();
    expect(store.messages('r')()[1]!.body).toBe('second');
  });

  it('an encrypted message keeps its object until its decryption changes', async () => {
    const { store, realtime, e2ee } = await twoArrivals();
    await settle();
    const [first, waiting] = store.messages('r')();
    realtime.push('message:new', makeMessage({ roomId: 'r', seq: 3, senderId: ana.id, body: '', encrypted: cipher('third', 's-1') }));
    await settle();
    const [firstAgain, waitingAgain, third] = store.messages('r')();
    expect(firstAgain).toBe(first);
    expect(waitingAgain).toBe(waiting);
    expect(third!.body).toBe('third');
    e2ee.deliverKey('r', 's-late');
    await settle();
    const [firstLast, read] = store.messages('r')();
    expect(firstLast).toBe(first);
    expect(read).not.toBe(waiting);
    expect(read!.body).toBe('second');
  });

  it('what comes after a slow decryption in the room (a message, an edit, a deletion) waits its turn, in order; other rooms do not', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick'] });
    try {
      const { store, realtime, e2ee } = chatHarness({ rooms: [makeRoom({ id: 'r', encrypted: true, lastSeq: 0 }), makeRoom({ id: 'p', lastSeq: 0 })] });
      await settle();
      store.openRoom('r');
      store.openRoom('p');
      await settle();
      const release = e2ee.holdDecryption('s-slow');
      const slow = makeMessage({ roomId: 'r', seq: 1, senderId: ana.id, body: '', encrypted: cipher('slow one', 's-slow') });
      const quick = makeMessage({ roomId: 'r', seq: 2, senderId: ana.id, body: '', encrypted: cipher('quick one') });
      realtime.push('message:new', slow);
      realtime.push('message:new', quick);
      realtime.push('message:updated', { ...quick, rev: quick.rev + 1, editedAt: quick.createdAt, encrypted: cipher('quick one, edited') });
      realtime.push('message:deleted', { roomId: 'r', messageId: slow.id, seq: 1, rev: slow.rev + 2, deletedAt: '2026-12-01T00:00:00.000Z' });
      // Another room is not held up.
      realtime.push('message:new', makeMessage({ roomId: 'p', seq: 1, senderId: ana.id, body: 'plain hello' }));
      await settle();
      expect(store.messages('r')()).toEqual([]);
      expect(store.messages('p')().map((m) => m.body)).toEqual(['plain hello']);

      jest.advanceTimersByTime(300);
      await settle();
      // The slow one, then the others in the order they came: the quick one, its edit, the slow one deleted.
      expect(store.messages('r')().map((m) => [m.seq, m.body, m.e2ee?.state ?? null, !!m.deletedAt])).toEqual([
        [1, '', null, true],
        [2, 'quick one, edited', 'decrypted', false],
      ]);
      release();
      await settle();
      expect(store.messages('r')().map((m) => m.seq)).toEqual([1, 2]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a slow decryption is shown as "decrypting" after 300 ms, then as the text', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick'] });
    try {
      const { store, realtime, e2ee } = chatHarness({ rooms: [makeRoom({ id: 'r', encrypted: true, lastSeq: 0 })] });
      await settle();
      store.openRoom('r');
      await settle();
      const release = e2ee.holdDecryption('s-slow');
      realtime.push('message:new', makeMessage({ roomId: 'r', seq: 1, senderId: ana.id, body: '', encrypted: cipher('slow one', 's-slow') }));
      jest.advanceTimersByTime(299);
      await settle();
      expect(store.messages('r')()).toEqual([]);
      jest.advanceTimersByTime(1);
      await settle();
      expect(store.messages('r')().map((m) => m.e2ee?.state)).toEqual(['decrypting']);
      release();
      await settle();
      expect(store.messages('r')().map((m) => m.body)).toEqual(['slow one']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('reads a message whose key arrives while its decryption is under way (not left waiting for a key already here)', async () => {
    const { store, realtime, e2ee } = chatHarness({ rooms: [makeRoom({ id: 'r', encrypted: true, lastSeq: 0 })] });
    await settle();
    store.openRoom('r');
    await settle();
    e2ee.missingKeys.add('s-race');
    e2ee.whileMissing = (sessionId) => {
      e2ee.whileMissing = undefined;
      e2ee.deliverKey('r', sessionId);
    };
    realtime.push('message:new', makeMessage({ roomId: 'r', seq: 1, senderId: ana.id, body: '', encrypted: cipher('just in time', 's-race') }));
    await settle();
    expect(store.messages('r')()[0]).toMatchObject({ body: 'just in time', e2ee: { state: 'decrypted' } });
  });

  it('previews an encrypted room it has not opened with its last message, decrypted (that one message fetched)', async () => {
    const last = makeMessage({ id: 'm-last', roomId: 'r', seq: 7, senderId: ana.id, body: '', encrypted: cipher('see you at nine') });
    const room = makeRoom({
      id: 'r',
      encrypted: true,
      lastSeq: 7,
      lastMessage: { id: 'm-last', seq: 7, senderId: ana.id, senderName: ana.displayName, text: '', deleted: false, hidden: false, attachmentCount: 0, encrypted: true, kind: 'user', createdAt: last.createdAt },
    });
    const plain = makeRoom({ id: 'p', lastSeq: 3 });
    const { store, messages } = chatHarness({ rooms: [room, plain] });
    messages.history.set('r', [makeMessage({ roomId: 'r', seq: 6, senderId: ana.id, body: '', encrypted: cipher('older') }), last]);
    expect(store.decrypted.decryptedById('m-last')).toBeNull();
    await settle();
    expect(store.decrypted.decryptedById('m-last')?.body).toBe('see you at nine');
    // One message of the encrypted room, nothing of the plain one.
    expect(messages.queries).toEqual([{ roomId: 'r', limit: 1 }]);
  });

  it('notifies with the decrypted text', async () => {
    const { store, realtime, notifier } = chatHarness({ rooms: [makeRoom({ id: 'r', encrypted: true })] });
    await settle();
    realtime.push('message:new', makeMessage({ roomId: 'r', seq: 1, senderId: ana.id, body: '', encrypted: cipher('lunch?') }));
    await settle();
    expect(notifier.shown.map((n) => n.text)).toEqual(['lunch?']);
    expect(store.userId).toBe(ME);
  });
});
