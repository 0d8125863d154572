/**
 * Files shared in rooms. A file is uploaded into one room (resumably with tus at `/api/uploads`, or in one
 * request with `POST /api/rooms/:roomId/files`), then attached to a message with `attachmentIds`. Whoever may
 * read the message may read its files: the room's current members. Every other caller gets 404.
 */

/** The tus endpoint (creation, resume with HEAD + PATCH, termination with DELETE). */
export const UPLOADS_PATH = '/api/uploads';
/**
 * tus `Upload-Metadata` keys the server reads on creation: `roomId` (required), `filename` (required) and
 * `filetype` (a hint only: the type is sniffed from the bytes).
 */
export const UploadMetadataKey = {
  RoomId: 'roomId',
  FileName: 'filename',
  FileType: 'filetype',
} as const;

/** The default `FILE_MAX_BYTES`; the server's own limit is in `GET /api/files/limits`. */
export const FILE_MAX_BYTES_DEFAULT = 100 * 1024 * 1024;
/** File names are cut to this many characters (after sanitising) when stored. */
export const FILE_NAME_MAX_LENGTH = 255;
/** The most files one message may carry. */
export const MESSAGE_ATTACHMENTS_MAX = 10;
/**
 * In an end-to-end encrypted room a message may name twice as many uploads: each file may come with its
 * thumbnail, made and encrypted in the browser and uploaded as a file of its own (the server cannot tell them
 * apart). See ENCRYPTED_UPLOAD_NAME.
 */
export const ENCRYPTED_MESSAGE_UPLOADS_MAX = 2 * MESSAGE_ATTACHMENTS_MAX;
/**
 * Uploads into an end-to-end encrypted room are ciphertext the browser made (`Attachment.encrypt`): the upload
 * must be named this (tus `filename`, or the multipart part's filename) and typed `application/octet-stream`
 * (or not at all), else 400. The server stores no name for them (`name` is `''`), never inspects, thumbnails
 * or scans them, and serves them as `application/octet-stream` downloads. The real name, type, size,
 * dimensions and key travel only inside the encrypted message (`EncryptedAttachment`).
 */
export const ENCRYPTED_UPLOAD_NAME = 'encrypted';
export const ENCRYPTED_UPLOAD_TYPE = 'application/octet-stream';
/** Thumbnails fit in a square of this many pixels (WebP). */
export const THUMBNAIL_MAX_SIZE = 480;

/** What the Files panel filters by; derived from the sniffed type. */
export const FileCategory = {
  Image: 'image',
  Video: 'video',
  Audio: 'audio',
  Document: 'document',
  Other: 'other',
} as const;
export type FileCategory = (typeof FileCategory)[keyof typeof FileCategory];

/**
 * A file as a message carries it. `mime` is the type sniffed from the bytes (never the name's or the
 * uploader's word); `width`/`height` are set for images (and known video sizes) so the timeline can keep
 * their place while they load; `thumbnail` says whether `GET /api/files/:id/thumbnail` has a preview image.
 */
export interface Attachment {
  id: string;
  name: string;
  size: number;
  mime: string;
  width: number | null;
  height: number | null;
  thumbnail: boolean;
}

/** Where a file is in its life: bytes still arriving, ready to attach, or attached to a message. */
export const FileStatus = {
  Uploading: 'uploading',
  Ready: 'ready',
  Attached: 'attached',
} as const;
export type FileStatus = (typeof FileStatus)[keyof typeof FileStatus];

/** A file with where it lives: `GET /api/files/:id`, the Files panel, and the answer to an upload. */
export interface FileInfo extends Attachment {
  roomId: string;
  uploaderId: string;
  status: FileStatus;
  category: FileCategory;
  /** The message that carries it (null until attached). */
  messageId: string | null;
  createdAt: string;
}

/** `GET /api/rooms/:roomId/files`: newest first; pass the last item's `id` as `before` for the next page. */
export interface FilePage {
  items: FileInfo[];
  hasMore: boolean;
}

/** `GET /api/files/limits`: what this server accepts, so a client can refuse early. */
export interface FileLimits {
  maxBytes: number;
  /** Per-user storage quota in bytes (0: unlimited). */
  quotaBytes: number;
  /** Bytes this user's files take (uploads in progress count at their declared size). */
  usedBytes: number;
}

export function fileContentUrl(id: string): string {
  return `/api/files/${encodeURIComponent(id)}/content`;
}

export function fileThumbnailUrl(id: string): string {
  return `/api/files/${encodeURIComponent(id)}/thumbnail`;
}

/** The Files panel's category of a sniffed type. */
export function fileCategory(mime: string): FileCategory {
  if (mime.startsWith('image/')) return FileCategory.Image;
  if (mime.startsWith('video/')) return FileCategory.Video;
  if (mime.startsWith('audio/')) return FileCategory.Audio;
  if (DOCUMENT_TYPES.has(mime) || mime.startsWith('text/')) return FileCategory.Document;
  return FileCategory.Other;
}

const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'application/rtf',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/epub+zip',
]);
