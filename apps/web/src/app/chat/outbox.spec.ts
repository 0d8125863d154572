import { MemoryStorage } from './testing/chat-fakes';
import { OutboxEntry, outboxStorageKey, readOutbox, writeOutbox } from './outbox';

jest.mock('./message-body/render-markdown', () => ({ toPlainText: (body: string) => body }));

const entry = (clientMsgId: string): OutboxEntry => ({
  clientMsgId,
  roomId: 'room-1',
  body: 'hello',
  replyToId: null,
  attachments: [],
  files: [],
  createdAt: '2025-01-01T00:00:00.000Z',
  state: 'sending',
  error: null,
  autoRetried: false,
});

describe('the saved outbox', () => {
  it('is kept per user and emptied when nothing is left', () => {
    const storage = new MemoryStorage();
    writeOutbox(storage, 'ana', [entry('a'), entry('b')]);
    writeOutbox(storage, 'bo', [entry('c')]);
    expect(readOutbox(storage, 'ana').map((e) => e.clientMsgId)).toEqual(['a', 'b']);
    expect(readOutbox(storage, 'bo').map((e) => e.clientMsgId)).toEqual(['c']);
    writeOutbox(storage, 'ana', []);
    expect(storage.data.has(outboxStorageKey('ana'))).toBe(false);
  });

  it('drops what it cannot read instead of sending garbage', () => {
    const storage = new MemoryStorage();
    storage.setItem(outboxStorageKey('ana'), 'not json');
    expect(readOutbox(storage, 'ana')).toEqual([]);
    storage.setItem(outboxStorageKey('ana'), JSON.stringify([entry('a'), { clientMsgId: 5 }, null, { ...entry('b'), state: 'weird' }]));
    expect(readOutbox(storage, 'ana').map((e) => e.clientMsgId)).toEqual(['a']);
    expect(readOutbox(null, 'ana')).toEqual([]);
  });

  it('keeps the files a queued message carries, and reads a queue saved before messages had files', () => {
    const storage = new MemoryStorage();
    const photo = { id: 'f1', name: 'cat.png', size: 2048, mime: 'image/png', width: 640, height: 480, thumbnail: true };
    const old: Record<string, unknown> = { ...entry('old') };
    delete old['attachments'];
    storage.setItem(outboxStorageKey('ana'), JSON.stringify([{ ...entry('a'), attachments: [photo, { id: 7 }] }, old]));
    const [withFile, before] = readOutbox(storage, 'ana');
    expect(withFile?.attachments).toEqual([photo]);
    expect(before?.attachments).toEqual([]);
  });
});
