import 'fake-indexeddb/auto';
import { Injector, signal } from '@angular/core';
import { E2eeDevice, EncryptedMessageContent, Message, e2eeUserId } from '@parley/contracts';
import { FakeE2ee, FakeRealtime, makeMessage, settle } from '../../chat/testing/chat-fakes';
import { AuthStore } from '../../core/auth-store';
import { Realtime } from '../../core/realtime';
import { DecryptedMessages } from '../decrypted-messages';
import { E2ee, storeName } from '../e2ee';
import { forgetStore } from '../store-secret';
import { DeviceSearch } from './device-search';
import { DEVICE_SEARCH_DB_SUFFIX } from './sealed-entries';

// The chat fakes load the chat store, whose Markdown renderer Jest cannot load (ES modules only).
jest.mock('../../chat/message-body/render-markdown', () => ({ toPlainText: (body: string) => body }));

const ME = '11111111-1111-4111-8111-111111111111';

// The page's own events (Jest runs these specs without a DOM): `leavePage()` is the browser's `pagehide`.
const page = new EventTarget();
Object.assign(globalThis, { addEventListener: page.addEventListener.bind(page) });
const leavePage = () => page.dispatchEvent(new Event('pagehide'));
let deviceCount = 0;

/** The fake library, as a started device of mine. */
class StartedE2ee extends FakeE2ee {
  readonly device = signal<E2eeDevice | null>(null);

  signIn(): string {
    const deviceId = `DEVICE${String(++deviceCount).padStart(4, 'A')}`.slice(0, 10);
    this.device.set({ userId: e2eeUserId(ME), deviceId, displayName: 'Chrome on Linux', createdAt: '', lastSeenAt: '' } as E2eeDevice);
    return deviceId;
  }
}

function harness(e2ee = new StartedE2ee()) {
  const realtime = new FakeRealtime();
  const injector = Injector.create({
    providers: [
      DeviceSearch,
      DecryptedMessages,
      { provide: E2ee, useValue: e2ee },
      { provide: Realtime, useValue: realtime },
      { provide: AuthStore, useValue: { user: signal({ id: ME }) } },
    ],
  });
  return { search: injector.get(DeviceSearch), decrypted: injector.get(DecryptedMessages), realtime, e2ee };
}

function encryptedMessage(roomId: string, seq: number, body: string, overrides: Partial<Message> = {}): Message {
  const content: EncryptedMessageContent = { body, attachments: [] };
  return makeMessage({
    roomId,
    seq,
    body: '',
    encrypted: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: btoa(JSON.stringify(content)), senderKey: 'k', senderDeviceId: 'ABCDEFGHIJ', sessionId: 's' },
    ...overrides,
  });
}

/** Waits for the writes in flight (IndexedDB and WebCrypto run outside the microtask queue). */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const found = async (search: DeviceSearch, q: string, inRooms?: string[]) =>
  (await search.search({ q, ...(inRooms ? { inRooms: new Set(inRooms) } : {}) })).map((hit) => hit.entry.text);

describe('DeviceSearch', () => {
  it('keeps what this device decrypts and finds it after a reload; a message not decrypted is not there', async () => {
    const e2ee = new StartedE2ee();
    e2ee.signIn();
    const first = harness(e2ee);
    first.e2ee.missingKeys.add('late');
    first.decrypted.request([
      encryptedMessage('room-a', 1, 'The **lighthouse** keeper'),
      encryptedMessage('room-a', 2, 'lighthouse at dawn', { encrypted: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: '', senderKey: 'k', senderDeviceId: 'D', sessionId: 'late' } }),
    ]);
    await flush();
    expect(await found(first.search, 'lighthouse')).toEqual(['The lighthouse keeper']);

    // Another page of the same device (a reload): a new service over the same database.
    const reloaded = harness(e2ee);
    expect(await found(reloaded.search, 'LIGHTHOUSE')).toEqual(['The lighthouse keeper']);
  });

  it('an edit replaces the entry; a deletion, heard live or as a tombstone, removes it', async () => {
    const { search, decrypted, realtime, e2ee } = harness();
    e2ee.signIn();
    const original = encryptedMessage('room-a', 1, 'pick up the parcel');
    decrypted.request([original, encryptedMessage('room-a', 2, 'parcel two'), encryptedMessage('room-a', 3, 'parcel three')]);
    await flush();
    // The index is in memory now; later changes reach it and the database.
    expect((await found(search, 'parcel')).sort()).toEqual(['parcel three', 'parcel two', 'pick up the parcel']);

    decrypted.request([encryptedMessage('room-a', 1, 'pick up the package', { id: original.id, rev: 4 })]);
    realtime.push('message:deleted', { roomId: 'room-a', messageId: 'msg-room-a-2', seq: 2, rev: 5, deletedAt: '2026-12-01T00:00:00.000Z' });
    decrypted.request([makeMessage({ roomId: 'room-a', seq: 3, rev: 6, body: '', deletedAt: '2026-12-01T00:00:00.000Z' })]);
    await flush();
    expect(await found(search, 'parcel')).toEqual([]);
    expect(await found(search, 'package')).toEqual(['pick up the package']);
    // A reload: the page is left first.
    leavePage();
    await flush();
    const reloaded = harness(e2ee).search;
    expect(await found(reloaded, 'parcel')).toEqual([]);
    expect(await found(reloaded, 'package')).toEqual(['pick up the package']);
  });

  it('writes what arrives in a burst together, within half a second, or at once when the page is left', async () => {
    const e2ee = new StartedE2ee();
    e2ee.signIn();
    const { decrypted } = harness(e2ee);
    const name = `${storeName(ME, e2ee.device()!.deviceId)}${DEVICE_SEARCH_DB_SUFFIX}`;
    const transactions = jest.spyOn(IDBDatabase.prototype, 'transaction');
    const entryTransactions = () =>
      transactions.mock.calls.flatMap(([stores, mode], i) => ((transactions.mock.contexts[i] as IDBDatabase).name === name && stores === 'entries' ? [mode] : []));
    decrypted.request([encryptedMessage('room-a', 1, 'kestrel one'), encryptedMessage('room-a', 2, 'kestrel two')]);
    await flush();
    decrypted.request([encryptedMessage('room-a', 3, 'kestrel three')]);
    await flush();
    expect(entryTransactions()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await flush();
    // The three in one reading and one writing transaction (the first opening also stored the keys).
    expect(entryTransactions()).toEqual(['readonly', 'readwrite']);
    expect((await found(harness(e2ee).search, 'kestrel')).sort()).toEqual(['kestrel one', 'kestrel three', 'kestrel two']);

    decrypted.request([encryptedMessage('room-a', 4, 'kestrel four')]);
    await flush();
    leavePage();
    await flush();
    expect(await found(harness(e2ee).search, 'kestrel four')).toEqual(['kestrel four']);
    transactions.mockRestore();
  });

  it('leaving a room drops its messages; someone else leaving does not; a room I am no longer in is dropped at search', async () => {
    const { search, decrypted, realtime, e2ee } = harness();
    e2ee.signIn();
    decrypted.request([encryptedMessage('room-a', 1, 'otter in room a'), encryptedMessage('room-b', 1, 'otter in room b'), encryptedMessage('room-c', 1, 'otter in room c')]);
    await flush();
    realtime.push('room:left', { roomId: 'room-a', userId: ME });
    realtime.push('room:left', { roomId: 'room-b', userId: '22222222-2222-4222-8222-222222222222' });
    await flush();
    expect((await found(search, 'otter')).sort()).toEqual(['otter in room b', 'otter in room c']);
    // Left while this device was away: the room list no longer has room-c.
    expect(await found(search, 'otter', ['room-b'])).toEqual(['otter in room b']);
    expect(await found(harness(e2ee).search, 'otter')).toEqual(['otter in room b']);
  });

  it('signing out deletes the database with the crypto store, and nothing is written to it afterwards', async () => {
    const { search, decrypted, e2ee } = harness();
    const deviceId = e2ee.signIn();
    const name = `${storeName(ME, deviceId)}${DEVICE_SEARCH_DB_SUFFIX}`;
    decrypted.request([encryptedMessage('room-a', 1, 'heron sighting')]);
    await flush();
    expect(await found(search, 'heron')).toEqual(['heron sighting']);
    expect((await indexedDB.databases()).map((d) => d.name)).toContain(name);

    // What E2ee.switchUser does on sign-out.
    e2ee.device.set(null);
    await forgetStore(storeName(ME, deviceId));
    decrypted.request([encryptedMessage('room-a', 2, 'heron again')]);
    await flush();
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(name);
  });

  it('a deletion heard before this device’s encryption started is applied once it has', async () => {
    const e2ee = new StartedE2ee();
    e2ee.signIn();
    const before = harness(e2ee);
    before.decrypted.request([encryptedMessage('room-a', 1, 'stale news')]);
    await flush();
    const reloaded = harness(e2ee);
    const device = e2ee.device();
    e2ee.device.set(null);
    reloaded.realtime.push('message:deleted', { roomId: 'room-a', messageId: 'msg-room-a-1', seq: 1, rev: 2, deletedAt: '2026-12-01T00:00:00.000Z' });
    e2ee.device.set(device);
    expect(await found(reloaded.search, 'stale')).toEqual([]);
  });
});
