import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ENCRYPTED_UPLOAD_NAME, ENCRYPTED_UPLOAD_TYPE, FILE_NAME_MAX_LENGTH, fileCategory, FileLimits, FileStatus } from '@parley/contracts';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { errors } from '../common/errors';
import { APP_CONFIG, AppConfig } from '../config/config';
import { DirectRoomsService } from '../rooms/direct-rooms.service';
import { roomArchived } from '../rooms/room-errors';
import { RoomsService } from '../rooms/rooms.service';
import { BLOB_STORE, BlobStore } from './blob-store';
import { FileEntity } from './file.entity';
import { FileDiscards } from './file-discards';
import { fileNotFound, fileTooLarge, sizeInWords } from './file-errors';
import { FileContents } from './file-contents';
import { FileNames } from './file-names';
import { FILE_SCANNER, FileScanner, ScannerUnavailableError } from './file-scanner';
import { FileWriteThrottle } from './file-write-throttle';
import { Inspection, inspectFile, sanitizeFileName } from './inspection';

/**
 * One request's claim on checking a finished upload (inspection and scan) is renewed this often while it
 * runs, and lapses this long after its last renewal: then another request (after a crash) takes over.
 */
const CHECK_RENEW_MS = 10_000;
const CHECK_LEASE_MS = 30_000;

/** What an upload announces when it is created. */
export interface NewUpload {
  /** The tus upload id (or a fresh one for a multipart upload): the file's id. */
  id: string;
  roomId: string;
  /** As the client named it; sanitised here. */
  name: string;
  /** Upload-Length, or the multipart request's Content-Length. */
  declaredSize: number;
  /** The type the client announced (tus `filetype`, the multipart part's Content-Type), if any: a hint only. */
  declaredType?: string;
}

/**
 * What an upload into an end-to-end encrypted room is taken for: ciphertext nobody on the server can read.
 * Nothing is sniffed, drawn or scanned (it would only be judging random bytes), and it is served only as a
 * download of `application/octet-stream`.
 */
const OPAQUE: Inspection = { mime: ENCRYPTED_UPLOAD_TYPE, downloadOnly: true, width: null, height: null, thumbnail: null };

/**
 * An upload into an encrypted room must say it is the browser's ciphertext (named ENCRYPTED_UPLOAD_NAME, typed
 * as opaque bytes or not at all): a client that sends a real name or type would be sending a readable file.
 */
function assertOpaque(upload: NewUpload): void {
  const type = upload.declaredType?.split(';')[0]?.trim().toLowerCase();
  if (upload.name === ENCRYPTED_UPLOAD_NAME && (!type || type === ENCRYPTED_UPLOAD_TYPE)) return;
  throw errors.badRequest(
    `This room is end-to-end encrypted: encrypt the file on your device and upload the ciphertext named "${ENCRYPTED_UPLOAD_NAME}", of type ${ENCRYPTED_UPLOAD_TYPE}; its real name and type go inside the encrypted message`,
  );
}

/**
 * The life of an upload until it is ready to attach, for tus and multipart alike: `begin` checks everything
 * that can be checked before a byte is stored (the room, the size cap, the user's quota) and records the
 * upload; `finish` inspects the stored bytes (type sniffed, dimensions, thumbnail), scans them, and marks the
 * file ready, or deletes it and throws the reason (422 file_rejected, 503 when the scanner is unreachable).
 */
@Injectable()
export class FileUploads {
  private readonly logger = new Logger(FileUploads.name);
  private readonly limitsConfig: AppConfig['files'];
  private readonly postgres: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rooms: RoomsService,
    private readonly directRooms: DirectRoomsService,
    private readonly discards: FileDiscards,
    private readonly throttle: FileWriteThrottle,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(FILE_SCANNER) private readonly scanner: FileScanner,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly contents: FileContents,
    private readonly names: FileNames,
  ) {
    this.limitsConfig = config.files;
    this.postgres = config.database.type === 'postgres';
  }

  get maxBytes(): number {
    return this.limitsConfig.maxBytes;
  }

  async limits(userId: string): Promise<FileLimits> {
    return { maxBytes: this.limitsConfig.maxBytes, quotaBytes: this.limitsConfig.quotaBytes, usedBytes: await this.usedBytes(this.dataSource.manager, userId) };
  }

  /** What the user's files take: stored bytes, and uploads in progress at their announced size. */
  private async usedBytes(em: EntityManager, userId: string): Promise<number> {
    const row = await em
      .createQueryBuilder(FileEntity, 'f')
      .select(`COALESCE(SUM(CASE WHEN f.status = '${FileStatus.Uploading}' THEN f.declaredSize ELSE f.size END), 0)`, 'used')
      .where('f.uploaderId = :userId', { userId })
      .getRawOne<{ used: string | number }>();
    return Number(row?.used ?? 0);
  }

  /**
   * Everything decided before a byte flows: a write token, the size cap (413 payload_too_large), the room (the
   * 404 of a missing room for a non-member; archived rooms are read-only; a block in a direct room is a 403),
   * and the quota (413 quota_exceeded), checked and recorded in one transaction per user so that parallel
   * uploads cannot pass it together. Answers the new `uploading` row.
   */
  async begin(actor: { id: string }, upload: NewUpload): Promise<FileEntity> {
    await this.throttle.take(actor.id);
    if (upload.declaredSize > this.limitsConfig.maxBytes) throw fileTooLarge(this.limitsConfig.maxBytes);
    const membership = await this.rooms.requireMembership(upload.roomId, actor.id);
    if (membership.room.archivedAt) throw roomArchived();
    const opaque = membership.room.encrypted;
    if (opaque) assertOpaque(upload);
    await this.directRooms.assertMaySend(upload.roomId, actor.id);
    // The sanitiser keeps whole graphemes; the column counts code points (an emoji may be several). An
    // encrypted room's file has no name the server knows.
    const name = opaque ? '' : Array.from(sanitizeFileName(upload.name)).slice(0, FILE_NAME_MAX_LENGTH).join('');
    const quota = this.limitsConfig.quotaBytes;
    return this.dataSource.transaction(async (em) => {
      if (quota > 0) {
        // One user's uploads are counted one at a time (SQLite runs one transaction at a time anyway).
        if (this.postgres) await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`parley.files.quota:${actor.id}`]);
        const used = await this.usedBytes(em, actor.id);
        if (used + upload.declaredSize > quota) {
          throw errors.quotaExceeded(
            `This file (${sizeInWords(upload.declaredSize)}) would take you over your storage quota of ${sizeInWords(quota)}: your files take ${sizeInWords(used)}. Delete files you no longer need, or ask an admin for more room.`,
          );
        }
      }
      const now = new Date();
      const row = em.create(FileEntity, {
        id: upload.id,
        roomId: upload.roomId,
        uploaderId: actor.id,
        messageId: null,
        name: this.names.seal(upload.id, name),
        declaredSize: upload.declaredSize,
        status: FileStatus.Uploading,
        createdAt: now,
        touchedAt: now,
      });
      await em.insert(FileEntity, row);
      return Object.assign(row, { name });
    });
  }

  /** Records that bytes are arriving (the sweeper leaves active uploads alone). */
  async touch(fileId: string): Promise<void> {
    await this.dataSource.getRepository(FileEntity).update({ id: fileId, status: FileStatus.Uploading }, { touchedAt: new Date() });
  }

  /** The upload's row (its name in plaintext), for the tus routes' access checks. */
  async find(fileId: string): Promise<FileEntity | null> {
    const row = await this.dataSource.getRepository(FileEntity).findOneBy({ id: fileId });
    return row && this.names.open(row);
  }

  /**
   * The upload's bytes are all stored (`size` of them): inspect, scan, store the thumbnail, mark it ready.
   * A rejected file is deleted (row and bytes) and the reason thrown. One request checks a file (a claim in
   * the database); another that finishes the same upload meanwhile waits for its verdict.
   */
  async finish(fileId: string, size: number): Promise<FileEntity> {
    const repo = this.dataSource.getRepository(FileEntity);
    const found = await repo.findOneBy({ id: fileId });
    const file = found && (await this.names.open(found));
    if (!file || file.status !== FileStatus.Uploading) {
      // Gone (deleted, swept or refused) while its last bytes arrived: they go too.
      if (!file) await this.discards.discardAgain([fileId]);
      throw fileNotFound();
    }
    const now = new Date();
    const claimed = await repo
      .createQueryBuilder()
      .update(FileEntity)
      .set({ checkingSince: now })
      .where('id = :id AND status = :uploading AND ("checkingSince" IS NULL OR "checkingSince" < :stale)', {
        id: fileId,
        uploading: FileStatus.Uploading,
        stale: new Date(now.getTime() - CHECK_LEASE_MS),
      })
      .execute();
    if (!claimed.affected) return this.verdictOf(fileId, size);
    const renewal = setInterval(() => void repo.update({ id: fileId, status: FileStatus.Uploading }, { checkingSince: new Date() }).catch(() => undefined), CHECK_RENEW_MS);
    try {
      return await this.check(file, size);
    } finally {
      clearInterval(renewal);
    }
  }

  /**
   * After a restart (or in another process) an upload may have all its bytes but no verdict: the request that
   * stored the last byte died before checking it. A client resuming it asks for its offset (HEAD), learns that
   * it is complete and goes no further; so that HEAD checks it, here, when nobody else is.
   */
  async finishIfComplete(file: FileEntity): Promise<void> {
    if (file.status !== FileStatus.Uploading || (file.checkingSince && Date.now() - file.checkingSince.getTime() < CHECK_LEASE_MS)) return;
    const stored = await this.blobs.stat(this.blobs.uploadKey(file.id));
    if (!stored || stored.size !== file.declaredSize) return;
    await this.finish(file.id, stored.size).catch((err: unknown) => this.logger.warn(`Checking the finished upload ${file.id} failed: ${(err as Error).message}`));
  }

  /** The verdict of another request's check: the file once ready, the refusal once it is gone; or, when that request died, our own. */
  private async verdictOf(fileId: string, size: number): Promise<FileEntity> {
    const repo = this.dataSource.getRepository(FileEntity);
    for (;;) {
      const file = await repo.findOneBy({ id: fileId });
      if (!file) throw errors.fileRejected('The file was refused when it was checked');
      if (file.status !== FileStatus.Uploading) return this.names.open(file);
      if (!file.checkingSince || Date.now() - file.checkingSince.getTime() >= CHECK_LEASE_MS) return this.finish(fileId, size);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async check(file: FileEntity, size: number): Promise<FileEntity> {
    const fileId = file.id;
    const repo = this.dataSource.getRepository(FileEntity);
    const key = this.blobs.uploadKey(fileId);
    const open = async (): Promise<Readable> => {
      const body = await this.blobs.get(key);
      if (!body) throw new Error(`the bytes of ${fileId} are missing`);
      return body;
    };
    // Ciphertext from an encrypted room's browser: nothing to sniff, draw or scan (the rooms' flag never changes).
    const opaque = (await this.rooms.isEncrypted(file.roomId)) === true;
    let inspection: Inspection;
    try {
      inspection = opaque ? OPAQUE : await inspectFile(open, size, { maxPixels: this.limitsConfig.thumbnailMaxPixels, fileName: file.name });
    } catch (err) {
      this.logger.warn(`Could not inspect file ${fileId}: ${(err as Error).message}`);
      await this.abandon(fileId);
      throw errors.fileRejected('The file could not be read, so it was refused');
    }
    if (this.scanner.enabled && !opaque) {
      let verdict;
      try {
        verdict = await this.scanner.scan(await open());
      } catch (err) {
        await this.abandon(fileId);
        if (err instanceof ScannerUnavailableError) throw errors.unavailable('The malware scanner cannot be reached, so the file was refused; try again later');
        throw err;
      }
      if (!verdict.clean) {
        this.logger.warn(`Refused file ${fileId} uploaded by ${file.uploaderId}: malware found (${verdict.signature})`);
        await this.abandon(fileId);
        throw errors.fileRejected(`The file was refused: the malware scanner found ${verdict.signature} in it`);
      }
    }
    if (inspection.thumbnail) await this.contents.putThumbnail(fileId, inspection.thumbnail);
    // From here on the stored object is the ciphertext; the plaintext staging goes once the row says so.
    const contentKeyId = await this.contents.sealUpload(fileId);
    const ready = {
      status: FileStatus.Ready,
      size,
      mime: inspection.mime,
      category: fileCategory(inspection.mime),
      width: inspection.width,
      height: inspection.height,
      hasThumbnail: inspection.thumbnail !== null,
      downloadOnly: inspection.downloadOnly,
      touchedAt: new Date(),
      checkingSince: null,
      contentKeyId,
    };
    const updated = await repo.update({ id: fileId, status: FileStatus.Uploading }, ready);
    if (!updated.affected) {
      // Deleted (or swept) while it was being checked: its discard may have run before the thumbnail was stored.
      await this.discards.discardAgain([fileId]);
      throw fileNotFound();
    }
    if (contentKeyId) await this.contents.removeStaging(fileId);
    return Object.assign(file, ready);
  }

  /**
   * Gives an upload up: its row and whatever bytes arrived. When someone else deleted the row first, the bytes
   * still go (some may have arrived after that deletion's own discard); a file that has become ready stays.
   */
  async abandon(fileId: string): Promise<void> {
    const gone = await this.dataSource.transaction(async (em) => {
      await em.delete(FileEntity, { id: fileId, status: FileStatus.Uploading });
      if (await em.existsBy(FileEntity, { id: fileId })) return false;
      await this.discards.record(em, [fileId]);
      return true;
    });
    if (gone) await this.discards.discard([fileId]);
  }
}
