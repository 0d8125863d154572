import { EncryptedAttachment } from '@parley/contracts';

/** Where an upload goes: the room it is shared in, and who uploads it (so a resume never picks up someone else's). */
export interface UploadTarget {
  roomId: string;
  userId: string;
}

/** Why an upload stopped: a sentence for the tray, and whether trying again can help. */
export interface UploadFailure {
  message: string;
  /** The connection or the server failed (try again); false when the server refused the file itself. */
  retryable: boolean;
}

export interface UploadEvents {
  /** Bytes the server has been sent so far (they may not all be stored yet). */
  progress(sent: number): void;
  /**
   * Every byte is on the server: the file's id (the upload's id is the file's), and for a file encrypted in the
   * browser (an end-to-end encrypted room) what the message will say of it.
   */
  finished(fileId: string, sealed?: EncryptedAttachment): void;
  /** It stopped and will not go on by itself (its own retries are used up, or it was refused). */
  failed(failure: UploadFailure): void;
}

/** One upload under way. */
export interface UploadHandle {
  /** Stops sending but keeps what reached the server, to go on from there with `resume()`. */
  pause(): void;
  /** Goes on from where the server has got to (also after `failed`). */
  resume(): void;
  /** Stops for good and tells the server to drop what it has. */
  cancel(): void;
}

/** Starts uploading a file (the tus client in the app; a fake in unit tests). */
export type UploadTransport = (file: File, target: UploadTarget, events: UploadEvents) => UploadHandle;
