import { Injectable, Signal, WritableSignal, effect, inject, signal, untracked } from '@angular/core';
import { ENCRYPTED_UPLOAD_NAME, ENCRYPTED_UPLOAD_TYPE, EncryptedAttachment, EncryptedFileKey, fileContentUrl } from '@parley/contracts';
import { saveBlob } from '../../shared/save-file';
import { CryptoWasm, loadCryptoWasm } from '../crypto-wasm';
import { E2ee } from '../e2ee';
import { previewOf } from './file-preview';

/** A file encrypted here for an encrypted room: the ciphertext to upload, and what the message will say of it. */
export interface SealedFile {
  /** The ciphertext, named and typed as the server takes it in an encrypted room. */
  data: File;
  /** The message's description of the file, but for the upload's id (known once it is up). */
  description: Omit<EncryptedAttachment, 'id' | 'thumbnail'>;
  /** The thumbnail made here, encrypted with a key of its own, for pictures and videos. */
  thumbnail: { data: File; width: number; height: number; mime: string; file: EncryptedFileKey } | null;
}

/** One decrypted file (or thumbnail) as the page shows it. */
export interface OpenedFile {
  state: 'opening' | 'open' | 'failed';
  /** An object URL of the plaintext, while open. */
  url: string | null;
  error: string | null;
}

/** Which part of an encrypted attachment: the file itself, or its thumbnail. */
export type SealedPart = 'file' | 'thumbnail';

/**
 * Types a decrypted file may keep for showing in the page: raster pictures, video and audio. Anything else
 * (HTML, SVG, scripts…) becomes opaque bytes, so a sender's word about the type can never make the page run it.
 */
const SHOWABLE = /^(image\/(png|jpeg|gif|webp|avif|bmp)|video\/(mp4|webm|ogg|quicktime)|audio\/(mpeg|mp4|ogg|wav|webm|aac|flac|x-wav))$/;

/** Whole files (not thumbnails) kept decrypted at once; the oldest is let go first. */
const OPEN_FILES_KEPT = 24;

/** A name safe to offer as a download's name. */
export function downloadName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim();
  return clean || 'file';
}

/** The type a decrypted blob is given: the sender's, when it is one the page may show, else opaque bytes. */
export function shownType(mime: string): string {
  return SHOWABLE.test(mime) ? mime : 'application/octet-stream';
}

/**
 * Files in end-to-end encrypted rooms, encrypted and decrypted in this browser (Matrix's encrypted attachments:
 * AES-256-CTR with a fresh key per file and the ciphertext's SHA-256, by the crypto library). The server stores
 * only the ciphertext; the key, name, type and size travel inside the encrypted message. A decrypted file is an
 * object URL that lives until sign-out (thumbnails) or until newer whole files push it out.
 */
@Injectable({ providedIn: 'root' })
export class SealedFiles {
  private readonly e2ee = inject(E2ee);
  private readonly opened = new Map<string, WritableSignal<OpenedFile>>();
  private readonly wholeFiles: string[] = [];

  constructor() {
    // Signed out: every decrypted file goes with the session.
    effect(() => {
      if (this.e2ee.status() === 'off') untracked(() => this.forgetAll());
    });
  }

  /** Encrypts a file (and a thumbnail made here, for pictures and videos) for upload into an encrypted room. */
  async seal(file: File): Promise<SealedFile> {
    const [wasm, preview] = await Promise.all([loadCryptoWasm(), previewOf(file)]);
    const plain = new Uint8Array(await file.arrayBuffer());
    const sealed = encrypt(wasm, plain);
    let thumbnail: SealedFile['thumbnail'] = null;
    if (preview?.thumbnail) {
      const small = encrypt(wasm, new Uint8Array(await preview.thumbnail.blob.arrayBuffer()));
      thumbnail = { data: small.data, width: preview.thumbnail.width, height: preview.thumbnail.height, mime: preview.thumbnail.mime, file: small.key };
    }
    return {
      data: sealed.data,
      description: {
        name: file.name || 'file',
        size: file.size,
        mime: file.type || 'application/octet-stream',
        width: preview?.width ?? null,
        height: preview?.height ?? null,
        file: sealed.key,
      },
      thumbnail,
    };
  }

  /**
   * The decrypted file or thumbnail, as a signal: 'opening' while it downloads and decrypts, then 'open' with an
   * object URL, or 'failed' with the reason (a changed or damaged file never shows). Asked again, the same one.
   */
  open(attachment: EncryptedAttachment, part: SealedPart): Signal<OpenedFile> {
    const target = part === 'thumbnail' ? attachment.thumbnail : { id: attachment.id, mime: attachment.mime, file: attachment.file };
    if (!target) return signal<OpenedFile>({ state: 'failed', url: null, error: 'This file has no preview.' }).asReadonly();
    let opened = this.opened.get(target.id);
    if (!opened) {
      opened = signal<OpenedFile>({ state: 'opening', url: null, error: null });
      this.opened.set(target.id, opened);
      if (part === 'file') this.keepWhole(target.id);
      void this.decrypt(target.id, target.file).then(
        (bytes) => opened!.set({ state: 'open', url: URL.createObjectURL(new Blob([bytes as BlobPart], { type: shownType(target.mime) })), error: null }),
        (err: unknown) => {
          this.opened.delete(target.id);
          opened!.set({ state: 'failed', url: null, error: err instanceof Error ? err.message : 'This file could not be decrypted.' });
        },
      );
    }
    return opened.asReadonly();
  }

  /** The file's plaintext, decrypted here (for a transcript's zip). */
  bytes(attachment: EncryptedAttachment): Promise<Uint8Array> {
    return this.decrypt(attachment.id, attachment.file);
  }

  /** Decrypts the file and hands it to the browser as a download under its real name. */
  async save(attachment: EncryptedAttachment): Promise<void> {
    const bytes = await this.decrypt(attachment.id, attachment.file);
    saveBlob(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }), downloadName(attachment.name));
  }

  // ---- internals ----

  private async decrypt(id: string, key: EncryptedFileKey): Promise<Uint8Array> {
    const [wasm, response] = await Promise.all([loadCryptoWasm(), fetch(fileContentUrl(id), { credentials: 'same-origin' })]);
    if (!response.ok) throw new Error(response.status === 404 ? 'This file is no longer on the server.' : 'The file could not be downloaded.');
    const data = new Uint8Array(await response.arrayBuffer());
    try {
      // The library checks the ciphertext's SHA-256 against the key's before it gives back a byte.
      return wasm.Attachment.decrypt(new wasm.EncryptedAttachment(data, JSON.stringify(key)));
    } catch {
      throw new Error('This file could not be decrypted: it was changed or damaged.');
    }
  }

  /** Remembers a whole file as open, letting the oldest go beyond OPEN_FILES_KEPT. */
  private keepWhole(id: string): void {
    this.wholeFiles.push(id);
    while (this.wholeFiles.length > OPEN_FILES_KEPT) {
      const old = this.wholeFiles.shift()!;
      const url = this.opened.get(old)?.().url;
      this.opened.delete(old);
      if (url) URL.revokeObjectURL(url);
    }
  }

  private forgetAll(): void {
    for (const opened of this.opened.values()) {
      const url = opened().url;
      if (url) URL.revokeObjectURL(url);
    }
    this.opened.clear();
    this.wholeFiles.length = 0;
  }
}

/** Matrix's encrypted attachment of some bytes: the ciphertext as an upload, and its key. */
function encrypt(wasm: CryptoWasm, plain: Uint8Array): { data: File; key: EncryptedFileKey } {
  const encrypted = wasm.Attachment.encrypt(plain);
  const key = JSON.parse(encrypted.mediaEncryptionInfo ?? 'null') as EncryptedFileKey | null;
  if (!key) throw new Error('The file could not be encrypted.');
  // A fresh lastModified: each sealing is an upload of its own (the uploader resumes by name, size and date).
  const data = new File([encrypted.encryptedData as BlobPart], ENCRYPTED_UPLOAD_NAME, { type: ENCRYPTED_UPLOAD_TYPE, lastModified: Date.now() });
  encrypted.free();
  return { data, key };
}
