import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { DataStore } from '@tus/server';
import { EntityManager, LessThanOrEqual, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { BLOB_STORE, BlobStore, UPLOAD_DATA_STORE } from './blob-store';
import { FileDiscardEntity } from './file-discard.entity';
import { sealedContentKey, thumbnailKey } from './file-keys';
import { discardGraceMs } from './file-sweep-timing';

/** How many discards one drain reads at a time, and how many such batches one drain takes at most. */
const DRAIN_BATCH = 500;
const DRAIN_BATCHES = 20;
/** After this many failures in a row a drain stops: the store is down, so the next sweep tries again. */
const DRAIN_FAILURES_IN_A_ROW = 10;
/** The longest wait between two attempts, in grace periods (an hour with the one-minute grace). */
const MAX_BACKOFF_GRACES = 60;
const ERROR_MAX_LENGTH = 1000;

/** What one drain did. */
export interface DrainResult {
  deleted: number;
  failed: number;
}

/**
 * The ledger of bytes to delete (`file_discards`). Whoever deletes `files` rows records their ids here in the
 * same transaction (`record`, or the SQL of `file-claims.ts` inside a message commit), then, after the commit,
 * deletes the bytes (`discard`): a discard is forgotten once its bytes are gone, and kept, with its failures
 * counted and its next attempt pushed back, when the store failed. The `files.sweep` job drains what is left
 * (`drain`): discards of a process that died before deleting, and failed ones, on a growing backoff. So a
 * file's bytes are deleted at least once after its row, whatever happens in between; deleting them twice is
 * harmless (a missing key is not an error).
 */
@Injectable()
export class FileDiscards {
  private readonly logger = new Logger(FileDiscards.name);
  private readonly graceMs: number;

  constructor(
    @InjectRepository(FileDiscardEntity) private readonly discards: Repository<FileDiscardEntity>,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(UPLOAD_DATA_STORE) private readonly uploads: DataStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.graceMs = discardGraceMs(config.files.uploadTtlMs);
  }

  /** Records the files' bytes as to be deleted, on `em`: the transaction that deletes their rows. */
  async record(em: EntityManager, fileIds: readonly string[], now = new Date()): Promise<void> {
    if (!fileIds.length) return;
    await em
      .createQueryBuilder()
      .insert()
      .into(FileDiscardEntity)
      .values(fileIds.map((fileId) => ({ fileId, createdAt: now, dueAt: now, attempts: 0, lastError: null })))
      .orIgnore()
      .execute();
  }

  /**
   * Deletes the bytes of files whose rows (and discards) have committed, then their discards. Never throws: the
   * rows are gone, so nobody can reach those bytes, and a failure is left to the sweep (with a warning).
   */
  async discard(fileIds: readonly string[]): Promise<void> {
    for (const id of fileIds) {
      const failure = await this.deleteBytes(id);
      if (!failure) {
        await this.forget(id);
        continue;
      }
      const attempts = await this.failed(id, failure);
      this.logger.warn(`Could not delete the bytes of deleted file ${id}: ${failure.message}; kept in file_discards (attempt ${attempts}), the sweep retries`);
    }
  }

  /**
   * For bytes that may have been written after their file's row was deleted, and after that deletion's own
   * discard ran (a check storing a thumbnail, the last bytes of an upload): records them again, then deletes
   * them. Only for files whose rows are gone for good.
   */
  async discardAgain(fileIds: readonly string[]): Promise<void> {
    try {
      await this.discards.manager.transaction((em) => this.record(em, fileIds));
    } catch (err) {
      this.logger.warn(`Could not record the bytes of deleted files ${fileIds.join(', ')} for deletion: ${(err as Error).message}`);
    }
    await this.discard(fileIds);
  }

  /**
   * Retries the discards that are due and older than the grace period (younger ones are still the deleting
   * request's), oldest first. Stops early when the store keeps failing. Run by the `files.sweep` job.
   */
  async drain(now = new Date()): Promise<DrainResult> {
    const result: DrainResult = { deleted: 0, failed: 0 };
    let firstError: string | null = null;
    let failuresInARow = 0;
    for (let batch = 0; batch < DRAIN_BATCHES; batch++) {
      const due = await this.discards.find({
        where: { dueAt: LessThanOrEqual(now), createdAt: LessThanOrEqual(new Date(now.getTime() - this.graceMs)) },
        order: { dueAt: 'ASC' },
        take: DRAIN_BATCH,
      });
      for (const row of due) {
        const failure = await this.deleteBytes(row.fileId);
        if (!failure) {
          await this.forget(row.fileId);
          result.deleted += 1;
          failuresInARow = 0;
          continue;
        }
        await this.failed(row.fileId, failure, row.attempts, now);
        result.failed += 1;
        firstError ??= failure.message;
        if (++failuresInARow >= DRAIN_FAILURES_IN_A_ROW) break;
      }
      if (due.length < DRAIN_BATCH || failuresInARow >= DRAIN_FAILURES_IN_A_ROW) break;
    }
    if (result.deleted) this.logger.log(`Deleted the bytes of ${result.deleted} file(s) whose deletion had not finished`);
    if (result.failed) {
      this.logger.warn(`Could not delete the bytes of ${result.failed} deleted file(s) (${firstError}); they stay in file_discards and are retried later`);
    }
    return result;
  }

  /** The wait before the next attempt after `attempts` failures: the grace period, doubling, at most an hour's worth. */
  retryDelayMs(attempts: number): number {
    return this.graceMs * Math.min(MAX_BACKOFF_GRACES, 2 ** Math.min(attempts - 1, 16));
  }

  /** Deletes the file's bytes, thumbnail and tus record; answers the error when the store failed. */
  private async deleteBytes(fileId: string): Promise<Error | null> {
    try {
      // The tus store's own termination first (it may hold more than the key); what decides is the BlobStore's.
      await this.uploads.remove(fileId).catch(() => undefined);
      await this.blobs.delete(this.blobs.uploadKey(fileId));
      await this.blobs.delete(thumbnailKey(fileId));
      await this.blobs.delete(sealedContentKey(fileId));
      return null;
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  private async forget(fileId: string): Promise<void> {
    try {
      await this.discards.delete({ fileId });
    } catch (err) {
      // The bytes are gone; the sweep will delete them again (a no-op) and forget the discard then.
      this.logger.warn(`Could not forget the discard of file ${fileId}: ${(err as Error).message}`);
    }
  }

  /** Counts a failure and pushes the next attempt back; answers the failures so far. */
  private async failed(fileId: string, failure: Error, attemptsBefore?: number, now = new Date()): Promise<number> {
    try {
      const before = attemptsBefore ?? (await this.discards.findOneBy({ fileId }))?.attempts ?? 0;
      const attempts = before + 1;
      await this.discards.update(
        { fileId },
        { attempts, lastError: failure.message.slice(0, ERROR_MAX_LENGTH), dueAt: new Date(now.getTime() + this.retryDelayMs(attempts)) },
      );
      return attempts;
    } catch (err) {
      this.logger.warn(`Could not count the failed discard of file ${fileId}: ${(err as Error).message}`);
      return (attemptsBefore ?? 0) + 1;
    }
  }
}
