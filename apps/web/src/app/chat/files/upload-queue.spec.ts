import { Attachment, FileInfo, FileLimits, FileStatus } from '@parley/contracts';
import { readTray } from './upload-memory';
import { PARALLEL_UPLOADS, UploadQueue, UploadQueueOptions } from './upload-queue';
import { UploadEvents, UploadFailure, UploadTarget } from './upload-transport';

/** One upload as the fake transport runs it: the test plays the server's side. */
class FakeUpload {
  state: 'sending' | 'paused' | 'cancelled' = 'sending';
  starts = 1;
  constructor(
    readonly file: File,
    readonly target: UploadTarget,
    readonly events: UploadEvents,
  ) {}
  pause(): void {
    this.state = 'paused';
  }
  resume(): void {
    this.state = 'sending';
    this.starts++;
  }
  cancel(): void {
    this.state = 'cancelled';
  }
  progress(sent: number): void {
    this.events.progress(sent);
  }
  finish(id = `file-${this.file.name}`): void {
    this.events.finished(id);
  }
  fail(failure: UploadFailure): void {
    this.events.failed(failure);
  }
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const file = (name: string, size = 1000, type = 'image/png') => new File([new Uint8Array(size)], name, { type });

function info(id: string, name: string, overrides: Partial<FileInfo> = {}): FileInfo {
  return {
    id,
    name,
    size: 1000,
    mime: 'image/png',
    width: 640,
    height: 480,
    thumbnail: true,
    roomId: 'room',
    uploaderId: 'me',
    status: FileStatus.Ready,
    category: 'image',
    messageId: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function harness(overrides: Partial<UploadQueueOptions> = {}) {
  const uploads: FakeUpload[] = [];
  const sent: { roomId: string; body: string; replyToId: string | null; attachments: Attachment[] }[] = [];
  const server = new Map<string, FileInfo | Error>();
  const revoked: string[] = [];
  let limits: FileLimits | null = { maxBytes: 10_000, quotaBytes: 0, usedBytes: 0 };
  const queue = new UploadQueue({
    transport: (f, target, events) => {
      const upload = new FakeUpload(f, target, events);
      uploads.push(upload);
      return upload;
    },
    userId: () => 'me',
    limits: async () => limits,
    fileInfo: async (id) => {
      const found = server.get(id) ?? info(id, id.replace(/^file-/, ''));
      if (found instanceof Error) throw found;
      return found;
    },
    deliver: (roomId, body, replyToId, attachments) => sent.push({ roomId, body, replyToId, attachments }),
    preview: (f) => `blob:${f.name}`,
    revoke: (url) => revoked.push(url),
    wait: () => Promise.resolve(),
    describeError: (err) => ({ status: (err as { status?: number }).status ?? 0, message: (err as Error).message }),
    ...overrides,
  });
  return {
    queue,
    uploads,
    sent,
    server,
    revoked,
    setLimits: (next: FileLimits | null) => (limits = next),
    tray: (roomId = 'room') => queue.inRoom(roomId)().map((u) => [u.name, u.status]),
  };
}

describe('UploadQueue: adding files', () => {
  it('uploads each file into its room as me, with a local preview of images, and tracks the progress', async () => {
    const h = harness();
    h.queue.add('room', [file('cat.png'), file('plan.pdf', 500, 'application/pdf')]);
    expect(h.tray()).toEqual([
      ['cat.png', 'queued'],
      ['plan.pdf', 'queued'],
    ]);
    await settle();
    expect(h.uploads.map((u) => [u.file.name, u.target])).toEqual([
      ['cat.png', { roomId: 'room', userId: 'me' }],
      ['plan.pdf', { roomId: 'room', userId: 'me' }],
    ]);
    const [cat, pdf] = h.queue.inRoom('room')();
    expect(cat).toMatchObject({ status: 'uploading', previewUrl: 'blob:cat.png', size: 1000 });
    expect(pdf!.previewUrl).toBeNull();

    h.uploads[0]!.progress(400);
    expect(h.queue.inRoom('room')()[0]!.sent).toBe(400);
  });

  it('refuses files over the size limit or the quota before sending a byte, saying why', async () => {
    const h = harness();
    h.setLimits({ maxBytes: 5 * 1024 * 1024, quotaBytes: 8 * 1024 * 1024, usedBytes: 2 * 1024 * 1024 });
    h.queue.add('room', [file('huge.mov', 6 * 1024 * 1024, 'video/quicktime'), file('a.zip', 4 * 1024 * 1024, 'application/zip'), file('b.zip', 3 * 1024 * 1024, 'application/zip')]);
    await settle();
    expect(h.uploads.map((u) => u.file.name)).toEqual(['a.zip']);
    const [huge, , b] = h.queue.inRoom('room')();
    expect(huge).toMatchObject({ status: 'failed', retryable: false, error: '“huge.mov” is 6 MB; files can be up to 5 MB.' });
    expect(b).toMatchObject({ status: 'failed', retryable: false, error: 'Not enough storage left for “b.zip” (2 MB of your 8 MB left).' });
  });

  it('still uploads when the limits cannot be fetched (the server checks them anyway)', async () => {
    const h = harness({ limits: () => Promise.reject(new Error('offline')) });
    h.queue.add('room', [file('cat.png')]);
    await settle();
    expect(h.tray()).toEqual([['cat.png', 'uploading']]);
  });

  it(`sends at most ${PARALLEL_UPLOADS} at once; the next starts when one is done`, async () => {
    const h = harness();
    h.queue.add('room', ['1', '2', '3', '4', '5'].map((n) => file(`${n}.png`)));
    await settle();
    expect(h.uploads.map((u) => u.file.name)).toEqual(['1.png', '2.png', '3.png']);
    h.uploads[1]!.finish();
    await settle();
    expect(h.uploads.map((u) => u.file.name)).toEqual(['1.png', '2.png', '3.png', '4.png']);
  });

  it('takes at most 10 files for one message and says so', async () => {
    const h = harness();
    h.queue.add('room', Array.from({ length: 12 }, (_, i) => file(`${i}.png`)));
    expect(h.queue.inRoom('room')()).toHaveLength(10);
    expect(h.queue.notice('room')).toBe('A message can carry up to 10 files: 2 files were not added.');
    h.queue.dismissNotice('room');
    expect(h.queue.notice('room')).toBeNull();
  });

  it('keeps each room\'s files apart', async () => {
    const h = harness();
    h.queue.add('a', [file('one.png')]);
    h.queue.add('b', [file('two.png')]);
    expect(h.tray('a')).toEqual([['one.png', 'queued']]);
    expect(h.tray('b')).toEqual([['two.png', 'queued']]);
  });
});

describe('UploadQueue: finishing', () => {
  it('asks the server until the file is checked and ready, then holds it as an attachment', async () => {
    const waits: (() => void)[] = [];
    const h = harness({ wait: () => new Promise<void>((resolve) => waits.push(resolve)) });
    h.server.set('file-cat.png', info('file-cat.png', 'cat.png', { status: FileStatus.Uploading }));
    h.queue.add('room', [file('cat.png')]);
    await settle();
    h.uploads[0]!.finish();
    expect(h.tray()).toEqual([['cat.png', 'processing']]);
    await settle();
    waits.shift()!();
    await settle();
    expect(h.tray()).toEqual([['cat.png', 'processing']]);
    h.server.set('file-cat.png', info('file-cat.png', 'cat.png'));
    waits.shift()!();
    await settle();
    expect(h.queue.inRoom('room')()[0]).toMatchObject({
      status: 'ready',
      sent: 1000,
      attachment: { id: 'file-cat.png', name: 'cat.png', size: 1000, mime: 'image/png', width: 640, height: 480, thumbnail: true },
    });
  });

  it('shows a file the server refused after the last byte (infected, unreadable) as refused, for good', async () => {
    const h = harness();
    h.server.set('file-eicar.txt', Object.assign(new Error('Not found.'), { status: 404 }));
    h.queue.add('room', [file('eicar.txt', 68, 'text/plain')]);
    await settle();
    h.uploads[0]!.finish();
    await settle();
    expect(h.queue.inRoom('room')()[0]).toMatchObject({ status: 'failed', retryable: false, error: 'The server refused this file.' });
  });

  it('a refusal when the upload is created (too big for the server, a room I left) stays with its reason', async () => {
    const h = harness();
    h.queue.add('room', [file('cat.png')]);
    await settle();
    h.uploads[0]!.fail({ message: 'This file is larger than the server accepts.', retryable: false });
    expect(h.queue.inRoom('room')()[0]).toMatchObject({ status: 'failed', retryable: false, error: 'This file is larger than the server accepts.' });
  });
});

describe('UploadQueue: connection trouble', () => {
  it('pauses while the browser is offline and goes on from where it was when it is back', async () => {
    const h = harness();
    h.queue.add('room', [file('big.zip', 9000, 'application/zip')]);
    await settle();
    const upload = h.uploads[0]!;
    upload.progress(3000);
    h.queue.setOnline(false);
    expect(upload.state).toBe('paused');
    expect(h.queue.inRoom('room')()[0]).toMatchObject({ status: 'paused', sent: 3000 });

    h.queue.setOnline(true);
    expect(upload).toMatchObject({ state: 'sending', starts: 2 });
    expect(h.uploads).toHaveLength(1); // the same upload goes on: no new one
    expect(h.tray()).toEqual([['big.zip', 'uploading']]);
  });

  it('a connection failure while offline is a pause, not an error', async () => {
    let browserOnline = true;
    const h = harness({ browserOnline: () => browserOnline });
    h.queue.add('room', [file('big.zip', 9000, 'application/zip')]);
    await settle();
    // The request died before the page heard the browser's "offline" event.
    browserOnline = false;
    h.uploads[0]!.fail({ message: 'Cannot reach the server.', retryable: true });
    expect(h.tray()).toEqual([['big.zip', 'paused']]);
    h.queue.setOnline(false);
    browserOnline = true;
    h.queue.setOnline(true);
    expect(h.tray()).toEqual([['big.zip', 'uploading']]);
  });

  it('a connection failure while online can be retried, and is retried by itself once the server is back', async () => {
    const h = harness();
    h.queue.add('room', [file('big.zip', 9000, 'application/zip')]);
    await settle();
    const upload = h.uploads[0]!;
    upload.fail({ message: 'Cannot reach the server.', retryable: true });
    expect(h.queue.inRoom('room')()[0]).toMatchObject({ status: 'failed', retryable: true, error: 'Cannot reach the server.' });
    h.queue.retry(h.queue.inRoom('room')()[0]!.key);
    expect(upload.starts).toBe(2);
    upload.fail({ message: 'Cannot reach the server.', retryable: true });
    // The live connection is back: the server is reachable again.
    h.queue.reconnected();
    expect(upload.starts).toBe(3);
    expect(h.tray()).toEqual([['big.zip', 'uploading']]);
  });

  it('cancelling stops the upload, tells the server, and lets the next one start', async () => {
    const h = harness();
    h.queue.add('room', ['1', '2', '3', '4'].map((n) => file(`${n}.png`)));
    await settle();
    h.queue.cancel(h.queue.inRoom('room')()[0]!.key);
    expect(h.uploads[0]!.state).toBe('cancelled');
    expect(h.revoked).toEqual(['blob:1.png']);
    expect(h.tray()).toEqual([
      ['2.png', 'uploading'],
      ['3.png', 'uploading'],
      ['4.png', 'uploading'],
    ]);
    // It was cancelled: what its upload says afterwards changes nothing.
    h.uploads[0]!.finish();
    expect(h.tray()).toHaveLength(3);
  });

  it('signing out stops everything and empties the tray', async () => {
    const h = harness();
    h.queue.add('room', [file('1.png')]);
    await settle();
    h.queue.reset();
    expect(h.uploads[0]!.state).toBe('paused');
    expect(h.tray()).toEqual([]);
    expect(h.revoked).toEqual(['blob:1.png']);
  });
});

describe('UploadQueue: sending a message with files', () => {
  async function ready(h: ReturnType<typeof harness>, names: string[]) {
    h.queue.add('room', names.map((n) => file(n)));
    await settle();
    for (const u of h.uploads.filter((u) => names.includes(u.file.name))) u.finish();
    for (let i = 0; i < 5; i++) await settle();
  }

  it('sends at once when every file is ready, with the caption, and clears the tray', async () => {
    const h = harness();
    await ready(h, ['a.png', 'b.png']);
    expect(h.queue.send('room', 'Our new office', 'reply-1')).toBe(true);
    expect(h.sent).toEqual([{ roomId: 'room', body: 'Our new office', replyToId: 'reply-1', attachments: [expect.objectContaining({ id: 'file-a.png' }), expect.objectContaining({ id: 'file-b.png' })] }]);
    expect(h.tray()).toEqual([]);
    expect(h.revoked).toEqual(['blob:a.png', 'blob:b.png']);
  });

  it('a message sent while its files upload waits for them, then goes; files added later are the next message\'s', async () => {
    const h = harness();
    h.queue.add('room', [file('a.png'), file('b.png')]);
    await settle();
    h.queue.send('room', 'Look', null);
    expect(h.sent).toEqual([]);
    expect(h.queue.waiting()).toEqual([expect.objectContaining({ roomId: 'room', body: 'Look' })]);
    h.queue.add('room', [file('later.png')]);
    expect(h.queue.draft('room').map((u) => u.name)).toEqual(['later.png']);

    h.uploads[0]!.finish();
    await settle();
    expect(h.sent).toEqual([]);
    h.uploads[1]!.finish();
    await settle();
    expect(h.sent).toEqual([{ roomId: 'room', body: 'Look', replyToId: null, attachments: [expect.objectContaining({ id: 'file-a.png' }), expect.objectContaining({ id: 'file-b.png' })] }]);
    expect(h.tray()).toEqual([['later.png', 'uploading']]);
    expect(h.queue.waiting()).toEqual([]);
  });

  it('a waiting message waits through a connection failure, and goes without a file the server refused', async () => {
    const h = harness();
    h.queue.add('room', [file('a.png'), file('virus.png')]);
    await settle();
    h.queue.send('room', '', null);
    h.uploads[0]!.fail({ message: 'Cannot reach the server.', retryable: true });
    h.uploads[1]!.fail({ message: 'This file was refused.', retryable: false });
    expect(h.sent).toEqual([]);
    h.queue.reconnected();
    h.uploads[0]!.finish();
    await settle();
    expect(h.sent).toEqual([{ roomId: 'room', body: '', replyToId: null, attachments: [expect.objectContaining({ id: 'file-a.png' })] }]);
    // The refused one stays in the tray with its reason, for the next message no more.
    expect(h.queue.inRoom('room')()).toEqual([expect.objectContaining({ name: 'virus.png', status: 'failed', sendId: null })]);
  });

  it('cancelling the last file of a waiting message sends its words alone; with no words, nothing', async () => {
    const h = harness();
    h.queue.add('room', [file('a.png')]);
    await settle();
    h.queue.send('room', 'Caption', null);
    h.queue.cancel(h.queue.inRoom('room')()[0]!.key);
    expect(h.sent).toEqual([{ roomId: 'room', body: 'Caption', replyToId: null, attachments: [] }]);

    h.queue.add('room', [file('b.png')]);
    await settle();
    h.queue.send('room', '', null);
    h.queue.cancel(h.queue.inRoom('room')()[0]!.key);
    expect(h.sent).toHaveLength(1);
    expect(h.queue.waiting()).toEqual([]);
  });

  it('with no files, sends the words through at once; with neither, nothing', () => {
    const h = harness();
    expect(h.queue.send('room', 'Hi', null)).toBe(true);
    expect(h.queue.send('room', '  ', null)).toBe(false);
    expect(h.sent).toEqual([{ roomId: 'room', body: 'Hi', replyToId: null, attachments: [] }]);
  });
});

describe('UploadQueue: across a reload', () => {
  it('keeps ready files and the messages waiting for files; files on their way wait to be added again, then go on', async () => {
    const before = harness();
    const photo = file('photo.png');
    const video = new File([new Uint8Array(5000)], 'clip.mp4', { type: 'video/mp4', lastModified: 1_700_000_000_000 });
    before.queue.add('room', [photo, video]);
    await settle();
    before.uploads[0]!.finish();
    await settle();
    before.uploads[1]!.progress(2000);
    before.queue.send('room', 'Holiday', null);
    // What the page keeps (as JSON in localStorage), and a new page reading it.
    const kept = readTray(JSON.stringify(before.queue.saved()));

    const after = harness();
    after.queue.reset(kept);
    expect(after.queue.inRoom('room')().map((u) => [u.name, u.status, u.error])).toEqual([
      ['photo.png', 'ready', null],
      ['clip.mp4', 'interrupted', 'The page was reloaded: add this file again to resume.'],
    ]);
    expect(after.queue.waiting()).toEqual([expect.objectContaining({ body: 'Holiday' })]);
    expect(after.uploads).toEqual([]);

    // The same file again (same name, size and date): it takes its place, uploads (tus resumes it) and the message goes.
    after.queue.add('room', [new File([new Uint8Array(5000)], 'clip.mp4', { type: 'video/mp4', lastModified: 1_700_000_000_000 })]);
    expect(after.queue.inRoom('room')()).toHaveLength(2);
    await settle();
    expect(after.uploads.map((u) => u.file.name)).toEqual(['clip.mp4']);
    after.uploads[0]!.finish();
    await settle();
    expect(after.sent).toEqual([
      { roomId: 'room', body: 'Holiday', replyToId: null, attachments: [expect.objectContaining({ id: 'file-photo.png' }), expect.objectContaining({ id: 'file-clip.mp4' })] },
    ]);
    expect(after.queue.inRoom('room')()).toEqual([]);
  });

  it('a kept file can be removed; files refused for good are not kept', async () => {
    const before = harness();
    before.setLimits({ maxBytes: 10, quotaBytes: 0, usedBytes: 0 });
    before.queue.add('room', [file('big.png', 100)]);
    await settle();
    expect(before.queue.saved().uploads).toEqual([]);

    const after = harness();
    after.queue.reset(readTray(JSON.stringify({ uploads: [{ key: 'k1', roomId: 'room', name: 'a.bin', size: 5, type: '', lastModified: 1, attachment: null, sendId: null }], waiting: [] })));
    after.queue.cancel('k1');
    expect(after.queue.inRoom('room')()).toEqual([]);
    expect(readTray('not json')).toEqual({ uploads: [], waiting: [] });
  });
});
