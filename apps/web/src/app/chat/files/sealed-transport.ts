import { EncryptedAttachment } from '@parley/contracts';
import type { SealedFile } from '../../e2ee/sealed-files/sealed-files';
import { UploadEvents, UploadHandle, UploadTarget, UploadTransport } from './upload-transport';

/** Encrypts a file in the browser for an end-to-end encrypted room. */
export type Sealer = (file: File) => Promise<SealedFile>;

/**
 * Uploads into an end-to-end encrypted room: the file is encrypted here first (with a thumbnail made here, for
 * pictures and videos), then its thumbnail's ciphertext and its own go up through the inner transport. Progress
 * is the file's; pausing, resuming and cancelling act on whichever upload is under way. It finishes with the
 * file's id and the description the message will carry (names, type, sizes and keys).
 */
export function sealedTransport(inner: UploadTransport, seal: Sealer): UploadTransport {
  return (file, target, events) => new SealedUpload(inner, seal, file, target, events);
}

class SealedUpload implements UploadHandle {
  private current: UploadHandle | null = null;
  private paused = false;
  private cancelled = false;
  private thumbnailId: string | null = null;

  constructor(
    private readonly inner: UploadTransport,
    seal: Sealer,
    file: File,
    private readonly target: UploadTarget,
    private readonly events: UploadEvents,
  ) {
    seal(file).then(
      (sealed) => this.next(sealed),
      () => {
        if (!this.cancelled) events.failed({ message: 'This file could not be encrypted in this browser.', retryable: false });
      },
    );
  }

  pause(): void {
    this.paused = true;
    this.current?.pause();
  }

  resume(): void {
    this.paused = false;
    this.current?.resume();
  }

  cancel(): void {
    this.cancelled = true;
    this.current?.cancel();
  }

  /** The thumbnail first (if any), then the file. */
  private next(sealed: SealedFile): void {
    if (this.cancelled) return;
    const thumbnail = sealed.thumbnail;
    if (thumbnail && this.thumbnailId === null) {
      this.start(thumbnail.data, {
        progress: () => undefined,
        finished: (id) => {
          this.thumbnailId = id;
          this.next(sealed);
        },
        failed: (failure) => this.events.failed(failure),
      });
      return;
    }
    this.start(sealed.data, {
      progress: (sent) => this.events.progress(sent),
      finished: (id) => {
        const described: EncryptedAttachment = {
          ...sealed.description,
          id,
          thumbnail: thumbnail && this.thumbnailId ? { id: this.thumbnailId, width: thumbnail.width, height: thumbnail.height, mime: thumbnail.mime, file: thumbnail.file } : null,
        };
        this.events.finished(id, described);
      },
      failed: (failure) => this.events.failed(failure),
    });
  }

  private start(data: File, events: UploadEvents): void {
    this.current = this.inner(data, this.target, events);
    if (this.paused) this.current.pause();
  }
}
