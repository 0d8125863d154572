import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { DataStore } from '@tus/server';
import { Readable } from 'node:stream';
import { Repository } from 'typeorm';
import { DecryptionFailed } from '../encryption/envelope';
import { KeyRing } from '../encryption/key-ring';
import { HEADER_BYTES, openSegments, parseSegmentedHeader, sealBuffer, sealSegments, segmentRange } from '../encryption/segmented';
import { BLOB_STORE, BlobStore, UPLOAD_DATA_STORE } from './blob-store';
import { FileEntity } from './file.entity';
import { fileNotFound } from './file-errors';
import { sealedContentKey, thumbnailKey } from './file-keys';

/** Each file's ciphertext is bound to the file (and, inside the format, to each segment's place and the data key). */
export const contentAad = (fileId: string) => `files.content:${fileId}`;
export const thumbnailAad = (fileId: string) => `files.thumbnail:${fileId}`;

export type ByteRange = { start: number; end: number };

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stream that gives `first` (already decrypted, so already checked) and then the rest. */
function resume(first: IteratorResult<Buffer>, rest: AsyncIterator<Buffer>): Readable {
  return Readable.from(
    (async function* () {
      if (!first.done) yield first.value;
      for (;;) {
        const next = await rest.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
  );
}

/**
 * Files' bytes and thumbnails at rest, above the BlobStore interface (so the same for local disk and S3):
 * sealed in the segmented format of `encryption/segmented.ts` under the key ring's current data key, or as
 * sent with ENCRYPTION_AT_REST=off. A file's row says where its bytes are (`contentKeyId`: null for plaintext
 * at the upload's key, else sealed at `files/<id>`); the header of what is stored says which data key sealed
 * it, so a reader is right at every moment of a background re-encryption (it re-reads once when the bytes
 * changed under it). Thumbnails are told apart by their header (a plaintext one is WebP, `RIFF…`).
 */
@Injectable()
export class FileContents {
  constructor(
    @InjectRepository(FileEntity) private readonly files: Repository<FileEntity>,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(UPLOAD_DATA_STORE) private readonly uploads: DataStore,
    private readonly keys: KeyRing,
  ) {}

  /**
   * Seals a finished upload's plaintext (in the tus staging key) into `files/<id>`, streaming; answers the data
   * key's id, or null with encryption off (the bytes stay where they are). The staging bytes are removed by
   * `removeStaging` once the row records the sealed copy.
   */
  async sealUpload(fileId: string): Promise<string | null> {
    const key = this.keys.streamSealingKey();
    if (!key) return null;
    const plain = await this.blobs.get(this.blobs.uploadKey(fileId));
    if (!plain) throw new Error(`the bytes of ${fileId} are missing`);
    await this.blobs.put(sealedContentKey(fileId), Readable.from(sealSegments(key, plain, contentAad(fileId))));
    return key.id;
  }

  /** Removes an upload's staging: its plaintext bytes and tus' record of it. */
  async removeStaging(fileId: string): Promise<void> {
    await this.uploads.remove(fileId).catch(() => undefined);
    await this.blobs.delete(this.blobs.uploadKey(fileId));
  }

  /**
   * The plaintext of a file (a range of it, `end` inclusive), streaming. When the bytes moved or were sealed
   * again meanwhile (the background job), reads the row again and follows them; the 404 of a missing file
   * when they are gone.
   */
  async open(file: Pick<FileEntity, 'id' | 'size' | 'contentKeyId'>, range?: ByteRange): Promise<Readable> {
    let keyId = file.contentKeyId;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) {
        const row = await this.files.findOne({ where: { id: file.id }, select: { id: true, contentKeyId: true } });
        if (!row) break;
        keyId = row.contentKeyId;
      }
      if (keyId === null) {
        const body = await this.blobs.get(this.blobs.uploadKey(file.id), range);
        if (body) return body;
        continue;
      }
      try {
        const body = await this.openSealed(file.id, file.size, range);
        if (body) return body;
      } catch (err) {
        // Sealed again between reading the header and the segments: the next attempt reads both anew.
        if (!(err instanceof DecryptionFailed) || attempt === 2) throw err;
      }
    }
    throw fileNotFound();
  }

  private async openSealed(fileId: string, size: number, range?: ByteRange): Promise<Readable | null> {
    const key = sealedContentKey(fileId);
    const head = await this.blobs.get(key, { start: 0, end: HEADER_BYTES - 1 });
    if (!head) return null;
    const header = parseSegmentedHeader(await readAll(head));
    if (!header) throw new DecryptionFailed(`The stored bytes of ${fileId} are not sealed`);
    const dataKey = await this.keys.openingKey(header.keyId);
    const wanted = segmentRange(size, range, header.segmentBytes);
    const body = await this.blobs.get(key, wanted.stored);
    if (!body) return null;
    const segments = openSegments(dataKey, header, body, contentAad(fileId), wanted);
    // The first segment is decrypted before anything is answered, so a file sealed again meanwhile is read again.
    try {
      return resume(await segments.next(), segments);
    } catch (err) {
      body.destroy();
      throw err;
    }
  }

  /** Stores a file's thumbnail, sealed (its own additional data) or, with encryption off, as it is. */
  async putThumbnail(fileId: string, webp: Buffer): Promise<void> {
    const key = this.keys.streamSealingKey();
    const stored = key ? await sealBuffer(key, webp, thumbnailAad(fileId)) : webp;
    await this.blobs.put(thumbnailKey(fileId), stored, { contentType: 'image/webp' });
  }

  /** A thumbnail's plaintext, or null when there is none. */
  async thumbnail(fileId: string): Promise<Buffer | null> {
    const stored = await this.blobs.get(thumbnailKey(fileId));
    return stored ? this.openThumbnail(fileId, await readAll(stored)) : null;
  }

  private async openThumbnail(fileId: string, stored: Buffer): Promise<Buffer> {
    const header = parseSegmentedHeader(stored);
    if (!header) return stored;
    const key = await this.keys.openingKey(header.keyId);
    return readAll(Readable.from(openSegments(key, header, [stored.subarray(HEADER_BYTES)], thumbnailAad(fileId))));
  }

  /**
   * One file's part of the background encryption job: its bytes and its thumbnail sealed under the current
   * data key when they are plaintext or under a retired one. Answers how many of the two it rewrote. A file
   * deleted meanwhile keeps nothing: what was written for it is deleted again.
   */
  async reseal(file: Pick<FileEntity, 'id' | 'size' | 'contentKeyId' | 'hasThumbnail'>): Promise<number> {
    const key = this.keys.streamSealingKey();
    if (!key) return 0;
    let changed = 0;
    if (!this.keys.keyIsCurrent(file.contentKeyId)) {
      const plain = await this.open(file);
      await this.blobs.put(sealedContentKey(file.id), Readable.from(sealSegments(key, plain, contentAad(file.id))));
      const updated = await this.files
        .createQueryBuilder()
        .update(FileEntity)
        .set({ contentKeyId: key.id })
        .where(file.contentKeyId === null ? 'id = :id AND "contentKeyId" IS NULL' : 'id = :id AND "contentKeyId" = :old', { id: file.id, old: file.contentKeyId })
        .execute();
      if (!updated.affected) {
        if (!(await this.files.existsBy({ id: file.id }))) await this.blobs.delete(sealedContentKey(file.id));
        return 0;
      }
      // Readers that saw the row before this update find the staging gone and follow the row to the sealed copy.
      // (Also for a file sealed before: a crash between its row's update and its staging's deletion left some.)
      await this.removeStaging(file.id);
      changed++;
    }
    if (file.hasThumbnail) {
      const found = await this.blobs.get(thumbnailKey(file.id));
      const stored = found ? await readAll(found) : null;
      if (stored && !this.keys.keyIsCurrent(parseSegmentedHeader(stored)?.keyId ?? null)) {
        const webp = await this.openThumbnail(file.id, stored);
        await this.blobs.put(thumbnailKey(file.id), await sealBuffer(key, webp, thumbnailAad(file.id)), { contentType: 'image/webp' });
        if (!(await this.files.existsBy({ id: file.id }))) await this.blobs.delete(thumbnailKey(file.id));
        else changed++;
      }
    }
    return changed;
  }
}
