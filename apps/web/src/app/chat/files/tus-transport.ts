import { CSRF_COOKIE, CSRF_HEADER, UPLOADS_PATH, UploadMetadataKey } from '@parley/contracts';
import type { DetailedError, Upload } from 'tus-js-client';
import { UploadEvents, UploadFailure, UploadHandle, UploadTarget, UploadTransport } from './upload-transport';

/**
 * tus retries a failed request by itself after these pauses (ms) while the browser is online; the upload
 * queue takes over after that (and whenever the browser is offline: tus does not retry then).
 */
export const RETRY_DELAYS = [0, 1000, 3000, 5000, 10_000, 20_000];

/** The API's error body in a tus response, if it has one. */
function apiMessage(body: string | undefined): string | null {
  if (!body) return null;
  try {
    const parsed: unknown = JSON.parse(body);
    const message = (parsed as { message?: unknown } | null)?.message;
    return typeof message === 'string' && message ? message : null;
  } catch {
    return null;
  }
}

/** What a tus failure means for the person uploading, and whether trying again can help. */
export function describeTusFailure(status: number, body: string | undefined): UploadFailure {
  const said = apiMessage(body);
  if (status === 0) return { message: 'Cannot reach the server.', retryable: true };
  if (status === 401) return { message: 'Your session has ended: sign in again to share files.', retryable: false };
  if (status === 404) return { message: said ?? 'This conversation is not available.', retryable: false };
  if (status === 409 || status === 423 || status === 429) return { message: said ?? 'The server is busy with this file.', retryable: true };
  if (status >= 500) return { message: 'The server could not take the file just now.', retryable: true };
  return { message: said ?? `The server refused this file (${status}).`, retryable: false };
}

/**
 * Whether tus should try a failed request again by itself: a dropped connection, a server error, a conflict or
 * lock on the upload, and a rate limit (many files at once); never a refusal, and not while offline.
 */
export function shouldRetry(status: number, online = typeof navigator === 'undefined' || navigator.onLine): boolean {
  if (!online) return false;
  return status === 0 || status >= 500 || status === 409 || status === 423 || status === 429;
}

function readCookie(name: string): string | null {
  const prefix = `${name}=`;
  for (const part of document.cookie.split(';')) {
    const trimmed = part.trim();
    if (trimmed.startsWith(prefix)) return decodeURIComponent(trimmed.slice(prefix.length));
  }
  return null;
}

/** The upload's id (the file's) is the last segment of the URL tus created it at. */
export function fileIdOf(uploadUrl: string): string {
  const path = new URL(uploadUrl, 'http://parley.invalid').pathname;
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

type Tus = typeof import('tus-js-client');
let tusModule: Promise<Tus> | null = null;

/** One resumable upload with tus-js-client, which is loaded the first time a file is shared. */
class TusUpload implements UploadHandle {
  private upload: Upload | null = null;
  private paused = false;
  private cancelled = false;

  constructor(file: File, target: UploadTarget, events: UploadEvents) {
    tusModule ??= import('tus-js-client');
    tusModule.then(
      (tus) => this.begin(tus, file, target, events),
      () => {
        tusModule = null;
        events.failed({ message: 'The uploader could not load. Check your connection.', retryable: true });
      },
    );
  }

  pause(): void {
    this.paused = true;
    void this.upload?.abort(false).catch(() => undefined);
  }

  resume(): void {
    this.paused = false;
    this.upload?.start();
  }

  cancel(): void {
    this.cancelled = true;
    // Terminates the upload on the server (tus DELETE) and forgets it here; if that fails, the server sweeps it.
    void this.upload?.abort(true).catch(() => undefined);
  }

  private async begin(tus: Tus, file: File, target: UploadTarget, events: UploadEvents): Promise<void> {
    if (this.cancelled) return;
    const upload: Upload = new tus.Upload(file, {
      endpoint: UPLOADS_PATH,
      metadata: {
        [UploadMetadataKey.RoomId]: target.roomId,
        [UploadMetadataKey.FileName]: file.name || 'file',
        [UploadMetadataKey.FileType]: file.type || 'application/octet-stream',
      },
      retryDelays: RETRY_DELAYS,
      onShouldRetry: (err) => shouldRetry((err as DetailedError).originalResponse?.getStatus() ?? 0),
      // The same file, by the same person, into the same room picks up where it stopped: after going offline,
      // and after a reload (tus keeps the upload's address in localStorage under this fingerprint).
      fingerprint: (f: File) => Promise.resolve(['parley', target.userId, target.roomId, f.name, f.type, f.size, f.lastModified].join(':')),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      // The session cookie goes with every request; changes need the CSRF token (read each time: it may rotate).
      onBeforeRequest: (req) => {
        const token = readCookie(CSRF_COOKIE);
        if (token) req.setHeader(CSRF_HEADER, token);
      },
      onProgress: (sent) => events.progress(sent),
      onSuccess: () => events.finished(fileIdOf(upload.url ?? '')),
      onError: (err) => {
        if (this.cancelled || this.paused) return;
        const response = (err as DetailedError).originalResponse ?? null;
        events.failed(describeTusFailure(response?.getStatus() ?? 0, response?.getBody()));
      },
    });
    this.upload = upload;
    try {
      const [previous] = await upload.findPreviousUploads();
      if (previous) upload.resumeFromPreviousUpload(previous);
    } catch {
      // Storage unavailable (private mode): a fresh upload.
    }
    if (!this.cancelled && !this.paused) upload.start();
  }
}

/** Uploads with tus to `/api/uploads`, as the signed-in user (cookie and CSRF header). */
export const tusTransport: UploadTransport = (file, target, events) => new TusUpload(file, target, events);
