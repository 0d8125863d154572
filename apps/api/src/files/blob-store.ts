import type { Readable } from 'node:stream';
import type { DataStore } from '@tus/server';

/**
 * Where file bytes live: local disk under `DATA_DIR/files` (the default) or an S3-compatible bucket
 * (`FILE_STORAGE=s3`), so several API processes share them. Keys are opaque, `/`-separated, chosen by the
 * server (never from a user's file name). Bytes always stream: nothing here holds a whole file in memory.
 */
export interface BlobStore {
  /** Stores `body` under `key` (replacing what was there) and answers how many bytes were written. */
  put(key: string, body: Readable | Buffer, options?: { contentType?: string }): Promise<{ size: number }>;
  /** The bytes under `key`, or a byte range of them (`end` inclusive); null when there is no such key. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable | null>;
  /** The size of what is under `key`, or null when there is none. */
  stat(key: string): Promise<{ size: number } | null>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * The tus data store that writes uploads into this store, so a finished upload's bytes are already in
   * place under the key `uploadKey(uploadId)` (no copy after the last byte), and an unfinished one survives
   * an API restart and resumes. `expirationMs` (tus expiration: an unfinished upload is given up that long
   * after it was created; `Upload-Expires` tells the client) defaults to 0, never.
   */
  tusDataStore(options?: { expirationMs?: number }): DataStore;
  /** The key under which the tus data store keeps the bytes of upload `uploadId`. */
  uploadKey(uploadId: string): string;
}

/** Nest injection token for the configured BlobStore. */
export const BLOB_STORE = Symbol('BLOB_STORE');

/** Nest injection token for the tus data store of the configured BlobStore (one per process). */
export const UPLOAD_DATA_STORE = Symbol('UPLOAD_DATA_STORE');
