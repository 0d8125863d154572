import { Signal, computed, signal } from '@angular/core';
import { Attachment, EncryptedAttachment, FileInfo, FileLimits, FileStatus, MESSAGE_ATTACHMENTS_MAX } from '@parley/contracts';
import { formatFileSize } from '../../shared/file-size';
import { SavedTray, saveTray } from './upload-memory';
import { UploadFailure, UploadHandle, UploadTransport } from './upload-transport';

/**
 * Where a file in the tray is: waiting for its turn, sending, waiting for the connection, being checked by the
 * server (type, thumbnail, scan), ready to go with a message, stopped with a reason, or stopped by a reload of
 * the page (its bytes are gone with the page: adding the same file again goes on where it was).
 */
export type UploadStatus = 'queued' | 'uploading' | 'paused' | 'processing' | 'ready' | 'failed' | 'interrupted';

export interface PendingUpload {
  key: string;
  roomId: string;
  /** Null for a file kept from before a reload (see `interrupted`). */
  file: File | null;
  name: string;
  size: number;
  lastModified: number;
  /** The type the browser gives (a hint: the server sniffs the real one). */
  type: string;
  /** A local picture of an image, for the tray (an object URL). */
  previewUrl: string | null;
  status: UploadStatus;
  /** Bytes sent so far. */
  sent: number;
  error: string | null;
  /** A failure that trying again can mend (the connection); false when the file itself was refused. */
  retryable: boolean;
  /** The server's id for it, once every byte is there. */
  fileId: string | null;
  /** The file as a message carries it, once the server says it is ready. */
  attachment: Attachment | null;
  /**
   * For a file encrypted in this browser (an end-to-end encrypted room): what the encrypted message says of it
   * (name, type, sizes, keys, thumbnail). The server's `attachment` then knows only its id and size.
   */
  sealed: EncryptedAttachment | null;
  /** The message waiting for this file, if it was sent before the upload finished. */
  sendId: string | null;
}

/** A message sent while some of its files were still uploading: it goes once they are all done. */
export interface WaitingMessage {
  id: string;
  roomId: string;
  body: string;
  replyToId: string | null;
}

export interface UploadQueueOptions {
  transport: UploadTransport;
  /** The signed-in user (uploads are theirs; none start without one). */
  userId: () => string | null;
  /** `GET /api/files/limits`; null when it cannot be had (the server checks anyway). */
  limits: () => Promise<FileLimits | null>;
  /** `GET /api/files/:id`. */
  fileInfo: (fileId: string) => Promise<FileInfo>;
  /**
   * Sends a message through the outbox (which knows how to wait for the connection), with its files: the
   * server's, and those encrypted in this browser.
   */
  deliver: (roomId: string, body: string, replyToId: string | null, attachments: Attachment[], sealed: EncryptedAttachment[]) => void;
  /** A local picture of the file for the tray (images only), and giving it back. */
  preview?: (file: File) => string | null;
  revoke?: (url: string) => void;
  /** What the browser says about its connection now (`navigator.onLine`), which can change before its event arrives. */
  browserOnline?: () => boolean;
  /** Waits before asking again whether a just-uploaded file is ready. */
  wait?: (ms: number) => Promise<void>;
  /** Answers the API's error for a failed request: its message, and its status (0 when nothing came back). */
  describeError?: (err: unknown) => { status: number; message: string };
}

/** At most this many files go up at once; the others wait their turn. */
export const PARALLEL_UPLOADS = 3;
/** How long to keep asking whether a file the server is still checking is ready (ms between asks). */
const READY_POLL_MS = [250, 500, 1000, 2000, 4000, 8000];

const IN_FLIGHT: ReadonlySet<UploadStatus> = new Set(['queued', 'uploading', 'paused', 'processing', 'interrupted']);
const INTERRUPTED = 'The page was reloaded: add this file again to resume.';

let keys = 0;
/** Keys stay unique across reloads (kept trays hold keys of earlier pages). */
const page = Date.now().toString(36);
const newKey = (kind: string) => `${kind}-${page}-${++keys}`;

/** The parts of a file's server record that a message carries. */
export function attachmentOf(info: FileInfo): Attachment {
  return { id: info.id, name: info.name, size: info.size, mime: info.mime, width: info.width, height: info.height, thumbnail: info.thumbnail };
}

/** Refusals decided before a byte is sent: too big, over the quota. */
export function limitProblem(file: { name: string; size: number }, limits: FileLimits, alreadyClaimed: number): string | null {
  if (file.size > limits.maxBytes) return `“${file.name}” is ${formatFileSize(file.size)}; files can be up to ${formatFileSize(limits.maxBytes)}.`;
  if (limits.quotaBytes > 0 && limits.usedBytes + alreadyClaimed + file.size > limits.quotaBytes) {
    const left = Math.max(0, limits.quotaBytes - limits.usedBytes - alreadyClaimed);
    return `Not enough storage left for “${file.name}” (${formatFileSize(left)} of your ${formatFileSize(limits.quotaBytes)} left).`;
  }
  return null;
}

/**
 * The files being shared, per room: each uploads resumably (a few at a time), pauses while the browser is
 * offline and goes on by itself when it is back, and is checked by the server before it may go with a message.
 * The files not yet sent are the next message's (the tray above the composer); a message sent before its files
 * are up waits for them and then goes through the outbox like any other. A file the server refuses stays in the
 * tray with the reason and the message goes without it.
 */
export class UploadQueue {
  private readonly list = signal<readonly PendingUpload[]>([]);
  private readonly waitingList = signal<readonly WaitingMessage[]>([]);
  private readonly noticeByRoom = signal<Readonly<Record<string, string>>>({});
  private readonly handles = new Map<string, UploadHandle>();
  private readonly byRoom = new Map<string, Signal<PendingUpload[]>>();
  /** Limit checks still going on, per file: it does not start before its batch is checked. */
  private readonly checking = new Set<string>();
  private online = true;

  readonly uploads = this.list.asReadonly();
  readonly waiting = this.waitingList.asReadonly();
  /** The tray as it is kept across a reload. */
  readonly saved = computed(() => saveTray(this.list(), this.waitingList()));

  constructor(private readonly options: UploadQueueOptions) {}

  /** The room's files in the tray, in the order they were added. */
  inRoom(roomId: string): Signal<PendingUpload[]> {
    let view = this.byRoom.get(roomId);
    if (!view) {
      view = computed(() => this.list().filter((u) => u.roomId === roomId));
      this.byRoom.set(roomId, view);
    }
    return view;
  }

  /** Something said about the room's last batch ("A message can carry up to 10 files…"); null when nothing. */
  notice(roomId: string): string | null {
    return this.noticeByRoom()[roomId] ?? null;
  }

  dismissNotice(roomId: string): void {
    this.setNotice(roomId, null);
  }

  /** The files that would go with the next message sent in the room (not those of a message already waiting). */
  draft(roomId: string): PendingUpload[] {
    return this.list().filter((u) => u.roomId === roomId && u.sendId === null);
  }

  /** Adds files to the room's next message and starts uploading them (after the early size and quota checks). */
  add(roomId: string, files: readonly File[]): void {
    if (files.length === 0) return;
    const inDraft = this.draft(roomId).filter((u) => u.status !== 'failed').length;
    const taken = files.slice(0, Math.max(0, MESSAGE_ATTACHMENTS_MAX - inDraft));
    const left = files.length - taken.length;
    this.setNotice(
      roomId,
      left > 0 ? `A message can carry up to ${MESSAGE_ATTACHMENTS_MAX} files: ${left === 1 ? '1 file was' : `${left} files were`} not added.` : null,
    );
    if (taken.length === 0) return;
    const added: PendingUpload[] = [];
    for (const file of taken) {
      // The same file as one stopped by a reload takes its place (and its upload goes on where it was).
      const again = this.list().find(
        (u) => u.status === 'interrupted' && u.roomId === roomId && u.name === file.name && u.size === file.size && u.lastModified === file.lastModified,
      );
      const upload = again ? { ...this.newUpload(roomId, file), key: again.key, sendId: again.sendId } : this.newUpload(roomId, file);
      this.checking.add(upload.key);
      if (again) this.list.update((all) => all.map((u) => (u.key === again.key ? upload : u)));
      else this.list.update((all) => [...all, upload]);
      added.push(upload);
    }
    void this.checkLimits(added);
  }

  /** Removes a file from the tray; an upload under way stops and the server drops what it has. */
  cancel(key: string): void {
    const upload = this.find(key);
    if (!upload) return;
    this.handles.get(key)?.cancel();
    this.handles.delete(key);
    this.checking.delete(key);
    this.forget([key]);
    this.settleWaiting();
    this.pump();
  }

  /** Tries a failed file again: from where its upload stopped, or asks again whether the server is done with it. */
  retry(key: string): void {
    const upload = this.find(key);
    if (!upload || upload.status !== 'failed' || !upload.retryable) return;
    if (upload.fileId) {
      void this.awaitReady(key, upload.fileId);
      return;
    }
    this.patch(key, { status: 'queued', error: null });
    this.pump();
  }

  /**
   * Sends the room's next message with its files: at once when they are all ready, else once they are (files
   * the server refuses are left out, and stay in the tray with the reason). False when there was nothing to send.
   */
  send(roomId: string, body: string, replyToId: string | null): boolean {
    const files = this.draft(roomId).filter((u) => u.status !== 'failed' || u.retryable);
    if (files.length === 0) {
      if (body.trim() === '') return false;
      this.options.deliver(roomId, body, replyToId, [], []);
      return true;
    }
    const id = newKey('send');
    const keysOf = new Set(files.map((f) => f.key));
    this.list.update((all) => all.map((u) => (keysOf.has(u.key) ? { ...u, sendId: id } : u)));
    this.waitingList.update((all) => [...all, { id, roomId, body, replyToId }]);
    this.settleWaiting();
    return true;
  }

  /** The browser went offline (uploads pause, keeping what the server has) or came back (they go on). */
  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    if (!online) {
      for (const u of this.list()) {
        if (u.status !== 'uploading') continue;
        this.handles.get(u.key)?.pause();
        this.patch(u.key, { status: 'paused' });
      }
      return;
    }
    this.reconnected();
  }

  /** The server is reachable again (the browser is back online, or the live connection came back): go on. */
  reconnected(): void {
    if (!this.online) return;
    for (const u of this.list()) {
      if (u.status === 'paused') this.patch(u.key, { status: 'queued' });
      else if (u.status === 'failed' && u.retryable) this.retry(u.key);
    }
    this.pump();
  }

  /**
   * Someone else (or nobody) is signed in: every upload stops and the tray empties, then holds what this user's
   * tray kept across a reload: files that were ready are ready still; the others wait to be added again.
   */
  reset(saved: SavedTray = { uploads: [], waiting: [] }): void {
    for (const handle of this.handles.values()) handle.pause();
    this.handles.clear();
    this.checking.clear();
    this.forget(this.list().map((u) => u.key));
    this.noticeByRoom.set({});
    this.waitingList.set(saved.waiting);
    this.list.set(
      saved.uploads.map((u) => ({
        ...u,
        file: null,
        previewUrl: null,
        status: u.attachment ? 'ready' : 'interrupted',
        sent: u.attachment ? u.size : 0,
        error: u.attachment ? null : INTERRUPTED,
        retryable: false,
        fileId: u.attachment?.id ?? null,
        sealed: u.attachment ? u.sealed : null,
      })),
    );
    this.settleWaiting();
  }

  // ---- the life of one upload ----

  private newUpload(roomId: string, file: File): PendingUpload {
    const image = file.type.startsWith('image/') && file.type !== 'image/svg+xml';
    return {
      key: newKey('upload'),
      roomId,
      file,
      name: file.name || 'file',
      size: file.size,
      lastModified: file.lastModified,
      type: file.type,
      previewUrl: image ? (this.options.preview?.(file) ?? null) : null,
      status: 'queued',
      sent: 0,
      error: null,
      retryable: false,
      fileId: null,
      attachment: null,
      sealed: null,
      sendId: null,
    };
  }

  private async checkLimits(batch: readonly PendingUpload[]): Promise<void> {
    let limits: FileLimits | null = null;
    try {
      limits = await this.options.limits();
    } catch {
      // Unknown limits: the server refuses what it must when the upload is created.
    }
    let claimed = 0;
    for (const upload of batch) {
      if (!this.checking.delete(upload.key)) continue; // cancelled meanwhile
      const problem = limits ? limitProblem(upload, limits, claimed) : null;
      if (problem) this.patch(upload.key, { status: 'failed', error: problem, retryable: false });
      else claimed += upload.size;
    }
    this.pump();
  }

  /** Starts (or resumes) queued uploads while fewer than PARALLEL_UPLOADS are going and the browser is online. */
  private pump(): void {
    const userId = this.options.userId();
    if (!this.online || !userId) return;
    let active = this.list().filter((u) => u.status === 'uploading').length;
    for (const u of this.list()) {
      if (active >= PARALLEL_UPLOADS) break;
      if (u.status !== 'queued' || !u.file || this.checking.has(u.key)) continue;
      active++;
      this.patch(u.key, { status: 'uploading', error: null });
      const handle = this.handles.get(u.key);
      if (handle) handle.resume();
      else this.handles.set(u.key, this.options.transport(u.file, { roomId: u.roomId, userId }, this.eventsFor(u.key)));
    }
  }

  private eventsFor(key: string) {
    return {
      progress: (sent: number) => {
        const u = this.find(key);
        if (u && u.status === 'uploading') this.patch(key, { sent: Math.min(sent, u.size) });
      },
      finished: (fileId: string, sealed?: EncryptedAttachment) => {
        if (!this.find(key)) return;
        this.handles.delete(key);
        this.patch(key, { sent: this.find(key)!.size, fileId, sealed: sealed ?? null });
        void this.awaitReady(key, fileId);
        this.pump();
      },
      failed: (failure: UploadFailure) => this.failed(key, failure),
    };
  }

  private failed(key: string, failure: UploadFailure): void {
    const u = this.find(key);
    if (!u || u.status === 'paused') return;
    if (failure.retryable && !(this.online && (this.options.browserOnline?.() ?? true))) {
      // The connection went first: this is a pause, and it goes on when the browser is back online.
      this.patch(key, { status: 'paused' });
    } else {
      if (!failure.retryable) this.handles.delete(key);
      this.patch(key, { status: 'failed', error: failure.message, retryable: failure.retryable });
    }
    this.settleWaiting();
    this.pump();
  }

  /** Every byte is up: the server checks the file (type, picture size, thumbnail, scan) before it is ready. */
  private async awaitReady(key: string, fileId: string): Promise<void> {
    this.patch(key, { status: 'processing', error: null });
    const wait = this.options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 0; ; attempt++) {
      let info: FileInfo;
      try {
        info = await this.options.fileInfo(fileId);
      } catch (err) {
        if (!this.find(key)) return;
        const { status, message } = this.describe(err);
        // Gone: the server refused it after the last byte (the type, or the scanner) and dropped it.
        const refused = status === 404 || status === 422;
        this.patch(key, {
          status: 'failed',
          error: refused ? 'The server refused this file.' : message,
          retryable: !refused,
        });
        this.settleWaiting();
        return;
      }
      if (!this.find(key)) return;
      if (info.status !== FileStatus.Uploading) {
        this.patch(key, { status: 'ready', attachment: attachmentOf(info), error: null, retryable: false });
        this.settleWaiting();
        return;
      }
      if (attempt >= READY_POLL_MS.length) {
        this.patch(key, { status: 'failed', error: 'The server is still checking this file.', retryable: true });
        this.settleWaiting();
        return;
      }
      await wait(READY_POLL_MS[attempt]!);
      if (!this.find(key)) return;
    }
  }

  /** Sends the waiting messages whose files are all done (ready, or refused for good). */
  private settleWaiting(): void {
    for (const message of this.waitingList()) {
      const files = this.list().filter((u) => u.sendId === message.id);
      if (files.some((u) => IN_FLIGHT.has(u.status) || (u.status === 'failed' && u.retryable))) continue;
      const ready = files.filter((u) => u.status === 'ready' && u.attachment);
      this.waitingList.update((all) => all.filter((m) => m.id !== message.id));
      // Refused files stay in the tray with their reason, no longer tied to the message.
      this.list.update((all) => all.map((u) => (u.sendId === message.id && u.status === 'failed' ? { ...u, sendId: null } : u)));
      if (ready.length > 0 || message.body.trim() !== '') {
        this.options.deliver(
          message.roomId,
          message.body,
          message.replyToId,
          ready.filter((u) => !u.sealed).map((u) => u.attachment!),
          ready.filter((u) => u.sealed).map((u) => u.sealed!),
        );
      }
      this.forget(ready.map((u) => u.key));
    }
  }

  // ---- helpers ----

  private find(key: string): PendingUpload | undefined {
    return this.list().find((u) => u.key === key);
  }

  private patch(key: string, patch: Partial<PendingUpload>): void {
    this.list.update((all) => all.map((u) => (u.key === key ? { ...u, ...patch } : u)));
  }

  private forget(keysToDrop: readonly string[]): void {
    if (keysToDrop.length === 0) return;
    const drop = new Set(keysToDrop);
    for (const u of this.list()) if (drop.has(u.key) && u.previewUrl) this.options.revoke?.(u.previewUrl);
    this.list.update((all) => all.filter((u) => !drop.has(u.key)));
  }

  private setNotice(roomId: string, text: string | null): void {
    this.noticeByRoom.update((all) => {
      if ((all[roomId] ?? null) === text) return all;
      const next = { ...all };
      if (text === null) delete next[roomId];
      else next[roomId] = text;
      return next;
    });
  }

  private describe(err: unknown): { status: number; message: string } {
    return this.options.describeError?.(err) ?? { status: 0, message: 'Cannot reach the server.' };
  }
}
