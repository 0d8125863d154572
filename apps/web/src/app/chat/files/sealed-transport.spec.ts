import { Attachment, EncryptedAttachment, EncryptedFileKey, FileStatus } from '@parley/contracts';
import type { SealedFile } from '../../e2ee/sealed-files/sealed-files';
import { uploadIdsOf } from '../outbox';
import { Sealer, sealedTransport } from './sealed-transport';
import { UploadQueue } from './upload-queue';
import { UploadEvents, UploadHandle } from './upload-transport';

const key = (k: string): EncryptedFileKey => ({ v: 'v2', key: { kty: 'oct', alg: 'A256CTR', k, key_ops: ['encrypt', 'decrypt'], ext: true }, iv: 'aXY', hashes: { sha256: 'aGFzaA' } });
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The tus side, played by the test: each upload in the order it started. */
class Inner implements UploadHandle {
  state: 'sending' | 'paused' | 'cancelled' = 'sending';
  constructor(
    readonly file: File,
    readonly events: UploadEvents,
  ) {}
  pause(): void {
    this.state = 'paused';
  }
  resume(): void {
    this.state = 'sending';
  }
  cancel(): void {
    this.state = 'cancelled';
  }
}

function harness(seal: Sealer) {
  const inner: Inner[] = [];
  const sent: { attachments: Attachment[]; sealed: EncryptedAttachment[] }[] = [];
  const queue = new UploadQueue({
    transport: sealedTransport((file, _target, events) => {
      const upload = new Inner(file, events);
      inner.push(upload);
      return upload;
    }, seal),
    userId: () => 'me',
    limits: async () => null,
    fileInfo: async (id) => ({ id, name: '', size: 10, mime: 'application/octet-stream', width: null, height: null, thumbnail: false, roomId: 'room', uploaderId: 'me', status: FileStatus.Ready, category: 'other', messageId: null, createdAt: '2025-01-01T00:00:00.000Z' }),
    deliver: (_roomId, _body, _replyToId, attachments, sealed) => sent.push({ attachments, sealed }),
    wait: () => Promise.resolve(),
  });
  return { queue, inner, sent };
}

const sealedPicture = (): SealedFile => ({
  data: new File([new Uint8Array(10)], 'encrypted', { type: 'application/octet-stream' }),
  description: { name: 'cat.png', size: 10, mime: 'image/png', width: 640, height: 480, file: key('ZmlsZQ') },
  thumbnail: { data: new File([new Uint8Array(4)], 'encrypted', { type: 'application/octet-stream' }), width: 480, height: 360, mime: 'image/webp', file: key('dGh1bWI') },
});

describe('sealedTransport: files into an end-to-end encrypted room', () => {
  it('uploads only ciphertext (the thumbnail first, then the file) and hands the message what it will say of the file', async () => {
    const h = harness(async () => sealedPicture());
    h.queue.add('room', [new File([new Uint8Array(10)], 'cat.png', { type: 'image/png' })]);
    await settle();
    expect(h.inner.map((u) => [u.file.name, u.file.type, u.file.size])).toEqual([['encrypted', 'application/octet-stream', 4]]);
    h.inner[0]!.events.finished('thumb-1');
    expect(h.inner.map((u) => u.file.size)).toEqual([4, 10]);
    h.inner[1]!.events.progress(5);
    expect(h.queue.inRoom('room')()[0]).toMatchObject({ status: 'uploading', sent: 5 });
    h.inner[1]!.events.finished('file-1');
    await settle();
    expect(h.queue.inRoom('room')()[0]).toMatchObject({ status: 'ready' });

    h.queue.send('room', 'look', null);
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.attachments).toEqual([]);
    const [sealed] = h.sent[0]!.sealed;
    expect(sealed).toEqual({
      id: 'file-1',
      name: 'cat.png',
      size: 10,
      mime: 'image/png',
      width: 640,
      height: 480,
      file: key('ZmlsZQ'),
      thumbnail: { id: 'thumb-1', width: 480, height: 360, mime: 'image/webp', file: key('dGh1bWI') },
    });
    // The server is told the message carries both uploads (and nothing else about them).
    expect(uploadIdsOf({ attachments: [], files: [sealed!] } as never)).toEqual(['file-1', 'thumb-1']);
  });

  it('pauses and cancels whichever upload is under way, also while the file is still being encrypted', async () => {
    let release!: (sealed: SealedFile) => void;
    const h = harness(() => new Promise((resolve) => (release = resolve)));
    h.queue.add('room', [new File([new Uint8Array(10)], 'cat.png', { type: 'image/png' })]);
    await settle();
    h.queue.setOnline(false);
    release(sealedPicture());
    await settle();
    expect(h.inner.map((u) => u.state)).toEqual(['paused']);
    h.queue.setOnline(true);
    expect(h.inner.map((u) => u.state)).toEqual(['sending']);
    h.queue.cancel(h.queue.inRoom('room')()[0]!.key);
    expect(h.inner.map((u) => u.state)).toEqual(['cancelled']);
    expect(h.queue.inRoom('room')()).toEqual([]);
  });

  it('stops with a reason when the browser cannot encrypt the file, and sends nothing of it', async () => {
    const h = harness(() => Promise.reject(new Error('no wasm')));
    h.queue.add('room', [new File([new Uint8Array(10)], 'cat.png', { type: 'image/png' })]);
    await settle();
    await settle();
    expect(h.inner).toEqual([]);
    expect(h.queue.inRoom('room')()[0]).toMatchObject({ status: 'failed', error: 'This file could not be encrypted in this browser.', retryable: false });
  });
});
