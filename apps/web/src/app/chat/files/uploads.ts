import { HttpErrorResponse } from '@angular/common/http';
import { Injectable, Signal, effect, inject, untracked } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { formMessage, toApiError } from '../../core/api-error';
import { AuthStore } from '../../core/auth-store';
import { FilesApi } from '../../core/files-api';
import { SealedFiles } from '../../e2ee/sealed-files/sealed-files';
import { ChatStore } from '../chat-store';
import { sealedTransport } from './sealed-transport';
import { UPLOAD_STORAGE, readTray, uploadStorageKey } from './upload-memory';
import { PendingUpload, UploadQueue, WaitingMessage } from './upload-queue';
import { tusTransport } from './tus-transport';

/**
 * The app's upload queue: tus uploads as the signed-in user, paused by the browser's offline event and
 * resumed by its online event or by the live connection coming back, messages handed to the chat's outbox.
 */
@Injectable({ providedIn: 'root' })
export class Uploads {
  private readonly chat = inject(ChatStore);
  private readonly filesApi = inject(FilesApi);
  private readonly auth = inject(AuthStore);
  private readonly storage = inject(UPLOAD_STORAGE);
  private readonly sealedFiles = inject(SealedFiles);
  /** Into an end-to-end encrypted room a file goes encrypted in this browser; elsewhere as it is. */
  private readonly sealedTus = sealedTransport(tusTransport, (file) => this.sealedFiles.seal(file));
  private readonly queue = new UploadQueue({
    transport: (file, target, events) => (this.chat.room(target.roomId)?.encrypted ? this.sealedTus : tusTransport)(file, target, events),
    userId: () => this.auth.user()?.id ?? null,
    limits: () => firstValueFrom(this.filesApi.limits()),
    fileInfo: (id) => firstValueFrom(this.filesApi.get(id)),
    deliver: (roomId, body, replyToId, attachments, sealed) => this.chat.send(roomId, body, replyToId, attachments, sealed),
    preview: (file) => URL.createObjectURL(file),
    revoke: (url) => URL.revokeObjectURL(url),
    browserOnline: () => navigator.onLine,
    describeError: (err) => ({ status: err instanceof HttpErrorResponse ? err.status : 0, message: formMessage(toApiError(err)) }),
  });

  readonly waiting: Signal<readonly WaitingMessage[]> = this.queue.waiting;

  constructor() {
    window.addEventListener('online', () => this.queue.setOnline(true));
    window.addEventListener('offline', () => this.queue.setOnline(false));
    if (!navigator.onLine) this.queue.setOnline(false);
    // The live connection is back: the server is reachable, so uploads that failed on the connection go on.
    effect(() => {
      if (this.chat.connection() === 'online') untracked(() => this.queue.reconnected());
    });
    // Someone signed in: their tray as it was before the page was (re)loaded; the previous user's uploads stop.
    let userId: string | null | undefined;
    effect(() => {
      const now = this.auth.user()?.id ?? null;
      if (now === userId) return;
      userId = now;
      untracked(() => this.queue.reset(now ? readTray(this.read(uploadStorageKey(now))) : undefined));
    });
    // The tray is kept (without the files' bytes) whenever what would be kept changes.
    let written = '';
    effect(() => {
      const saved = this.queue.saved();
      const me = untracked(() => this.auth.user()?.id ?? null);
      if (!me || userId !== me) return;
      const text = saved.uploads.length || saved.waiting.length ? JSON.stringify(saved) : '';
      if (text === written) return;
      written = text;
      this.write(uploadStorageKey(me), text);
    });
  }

  private read(key: string): string | null {
    try {
      return this.storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  private write(key: string, text: string): void {
    try {
      if (text) this.storage?.setItem(key, text);
      else this.storage?.removeItem(key);
    } catch {
      // Storage full or blocked: the tray still works for this page.
    }
  }

  inRoom(roomId: string): Signal<PendingUpload[]> {
    return this.queue.inRoom(roomId);
  }

  notice(roomId: string): string | null {
    return this.queue.notice(roomId);
  }

  dismissNotice(roomId: string): void {
    this.queue.dismissNotice(roomId);
  }

  add(roomId: string, files: readonly File[]): void {
    this.queue.add(roomId, files);
  }

  cancel(key: string): void {
    this.queue.cancel(key);
  }

  retry(key: string): void {
    this.queue.retry(key);
  }

  /** The room's next message has files (uploading, ready or refused) in the tray. */
  hasDraft(roomId: string): boolean {
    return this.queue.draft(roomId).length > 0;
  }

  /** Sends the words with the room's files (now, or once they are uploaded). False when there was nothing to send. */
  send(roomId: string, body: string, replyToId: string | null): boolean {
    return this.queue.send(roomId, body, replyToId);
  }
}
