import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FileCategory, FileInfo, FilePage, FileStatus, UserRole } from '@parley/contracts';
import { Readable } from 'node:stream';
import { FindOptionsWhere, In, IsNull, LessThan, Not, Repository } from 'typeorm';
import { errors } from '../common/errors';
import { AppEvents } from '../events/app-events';
import { roomArchived } from '../rooms/room-errors';
import { Membership, RoomsService } from '../rooms/rooms.service';
import { FileEntity } from './file.entity';
import { FileDiscards } from './file-discards';
import { fileNotFound } from './file-errors';
import { FileContents } from './file-contents';
import { FileNames } from './file-names';
import { FileWriteThrottle } from './file-write-throttle';
import { toFileInfo } from './files.mapper';
import { FILE_PAGE_DEFAULT } from './dto/files.dto';

/** Who asks: enough of the user to apply the rules. */
export interface FileActor {
  id: string;
  role: UserRole;
}

/** A file the caller may read, and their membership of its room. */
export interface ReadableFile {
  file: FileEntity;
  membership: Membership;
}

/** How many abandoned uploads one sweep removes at most (the next sweep takes the rest). */
const SWEEP_BATCH = 500;

/**
 * Files after their upload: who may read them (exactly the room's current members once attached; the uploader
 * alone before), the Files panel, deletion (rows, bytes and thumbnails) and the sweep of uploads never
 * attached. Everyone who may not read a file gets the same 404 as for a file that does not exist.
 */
@Injectable()
export class FilesService {
  private readonly logger = new Logger(FilesService.name);

  constructor(
    @InjectRepository(FileEntity) private readonly files: Repository<FileEntity>,
    private readonly rooms: RoomsService,
    private readonly events: AppEvents,
    private readonly throttle: FileWriteThrottle,
    private readonly discards: FileDiscards,
    private readonly contents: FileContents,
    private readonly names: FileNames,
  ) {}

  /**
   * The file when `actor` may read it: a current member of its room, and for a file not yet attached to a
   * message its uploader. Membership is read on every call, so leaving a room ends access at once. Otherwise
   * (signed out included) the 404 of a missing file.
   */
  async readable(actor: FileActor | undefined, fileId: string): Promise<ReadableFile> {
    if (!actor) throw fileNotFound();
    const file = await this.files.findOneBy({ id: fileId });
    if (!file) throw fileNotFound();
    const membership = await this.rooms.membership(file.roomId, actor.id);
    if (!membership) throw fileNotFound();
    if (file.status !== FileStatus.Attached && file.uploaderId !== actor.id) throw fileNotFound();
    return { file: await this.names.open(file), membership };
  }

  async info(actor: FileActor | undefined, fileId: string): Promise<FileInfo> {
    return toFileInfo((await this.readable(actor, fileId)).file);
  }

  /** A finished file's bytes (a range of them, `end` inclusive), when the actor may read it. */
  async content(actor: FileActor | undefined, fileId: string): Promise<{ file: FileEntity; open: (range?: { start: number; end: number }) => Promise<Readable> }> {
    const { file } = await this.readable(actor, fileId);
    if (file.status === FileStatus.Uploading) throw fileNotFound();
    return {
      file,
      open: (range) => this.contents.open(file, range),
    };
  }

  /**
   * A file's bytes for a compliance export (an admin's, across rooms: the caller checked that), or null when it
   * is gone or not uploaded yet.
   */
  async openForRecords(fileId: string): Promise<{ file: FileEntity; body: Readable } | null> {
    const file = await this.files.findOneBy({ id: fileId });
    if (!file || file.status === FileStatus.Uploading) return null;
    try {
      return { file, body: await this.contents.open(file) };
    } catch {
      return null;
    }
  }

  /** A file's WebP thumbnail, when it has one and the actor may read the file. */
  async thumbnail(actor: FileActor | undefined, fileId: string): Promise<{ file: FileEntity; body: Readable }> {
    const { file } = await this.readable(actor, fileId);
    if (!file.hasThumbnail || file.status === FileStatus.Uploading) throw fileNotFound();
    const body = await this.contents.thumbnail(file.id);
    if (!body) throw fileNotFound();
    return { file, body: Readable.from([body]) };
  }

  /**
   * The room's attached files, newest first (by their message's seq, then their place in it), for a member;
   * `before` is the last file of the previous page.
   */
  async list(actor: FileActor, roomId: string, query: { category?: FileCategory; before?: string; limit?: number }): Promise<FilePage> {
    await this.rooms.requireMembership(roomId, actor.id);
    const limit = query.limit ?? FILE_PAGE_DEFAULT;
    const qb = this.files
      .createQueryBuilder('f')
      .where('f.roomId = :roomId', { roomId })
      .andWhere('f.status = :attached', { attached: FileStatus.Attached })
      .orderBy('f.messageSeq', 'DESC')
      .addOrderBy('f.position', 'DESC')
      .take(limit + 1);
    if (query.category) qb.andWhere('f.category = :category', { category: query.category });
    if (query.before) {
      const cursor = await this.files.findOneBy({ id: query.before, roomId, status: FileStatus.Attached });
      if (!cursor) throw errors.validation('before', 'before must be a file shared in this room');
      qb.andWhere('(f.messageSeq < :seq OR (f.messageSeq = :seq AND f.position < :position))', { seq: cursor.messageSeq, position: cursor.position });
    }
    const found = await qb.getMany();
    return { items: (await this.names.openAll(found.slice(0, limit))).map(toFileInfo), hasMore: found.length > limit };
  }

  /**
   * Deletes a file: its row, its bytes and its thumbnail. Its uploader may (before or after attaching; after,
   * while still a member), so may the room's owner and admins and any app admin. A file not attached yet is
   * only its uploader's (and an app admin's). When a message carried it, `file.deleted` has the messages
   * module take it off the message, which members see as an edit.
   */
  async remove(actor: FileActor, fileId: string): Promise<void> {
    await this.throttle.take(actor.id);
    const file = await this.files.findOneBy({ id: fileId });
    if (!file) throw fileNotFound();
    const appAdmin = actor.role === UserRole.Admin;
    const own = file.uploaderId === actor.id;
    if (file.status !== FileStatus.Attached) {
      if (!own && !appAdmin) throw fileNotFound();
    } else {
      const membership = await this.rooms.membership(file.roomId, actor.id);
      if (!membership && !appAdmin) throw fileNotFound();
      const roomAdmin = membership !== null && this.rooms.isRoomAdmin(membership.room, membership.member, actor);
      if (!appAdmin && !roomAdmin && !(own && membership)) {
        throw errors.forbidden("Only the file's uploader, the room's owner or admins, or an admin can remove it");
      }
      const room = membership?.room ?? (await this.rooms.findRoom(file.roomId));
      // The message that carries it would have to change, and archived rooms are read-only.
      if (room?.archivedAt) throw roomArchived();
    }
    // Conditional on what was read: a file attached meanwhile is not deleted under its new message's feet.
    const deleted = await this.deleteRow(file.id, { status: file.status, messageId: file.messageId ?? IsNull() });
    if (!deleted) throw errors.conflict('The file changed while it was being removed; try again');
    await this.discardBytes([file.id]);
    await this.events.emit('file.deleted', { fileId: file.id, roomId: file.roomId, messageId: file.messageId });
  }

  /** How many files the messages carry (a retention report counts them before they go with their messages). */
  async countAttachedTo(messageIds: readonly string[]): Promise<number> {
    let count = 0;
    for (let i = 0; i < messageIds.length; i += 500) count += await this.files.count({ where: { messageId: In(messageIds.slice(i, i + 500)) } });
    return count;
  }

  /**
   * Deletes the bytes and thumbnails of files whose rows are gone (a deleted message's, a swept upload's), after
   * the transaction that deleted the rows and recorded their discards (FileDiscards) has committed. Failures are
   * logged, never thrown: the rows are already gone, so nobody can reach those bytes, and the sweep retries.
   */
  async discardBytes(fileIds: readonly string[]): Promise<void> {
    await this.discards.discard(fileIds);
  }

  /** Deletes the file's row when it still matches `where`, and records its discard, in one transaction. */
  private deleteRow(id: string, where: FindOptionsWhere<FileEntity>): Promise<boolean> {
    return this.files.manager.transaction(async (em) => {
      const deleted = await em.delete(FileEntity, { ...where, id });
      if (!deleted.affected) return false;
      await this.discards.record(em, [id]);
      return true;
    });
  }

  /**
   * Removes uploads that were never attached to a message and have shown no sign of life for `ttlMs`
   * (bytes stopped arriving, or ready but never sent). Each row is deleted on its own condition, so a file
   * attached meanwhile stays; answers how many were removed.
   */
  async sweep(ttlMs: number, now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - ttlMs);
    const stale = await this.files.find({
      select: { id: true },
      where: { status: In([FileStatus.Uploading, FileStatus.Ready]), touchedAt: LessThan(cutoff) },
      take: SWEEP_BATCH,
    });
    let removed = 0;
    for (const { id } of stale) {
      if (!(await this.deleteRow(id, { status: Not(FileStatus.Attached), touchedAt: LessThan(cutoff) }))) continue;
      await this.discardBytes([id]);
      removed += 1;
    }
    if (removed) this.logger.log(`Swept ${removed} upload(s) never attached to a message`);
    return removed;
  }
}
