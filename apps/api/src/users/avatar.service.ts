import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AVATAR_FIELD } from '@parley/contracts';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { IsNull, MoreThan, Not, Repository } from 'typeorm';
import { ApiException } from '../common/api-exceptions';
import { APP_CONFIG, AppConfig } from '../config/config';
import { KeyRing } from '../encryption/key-ring';
import { AppEvents } from '../events/app-events';
import { BLOB_STORE, BlobStore } from '../files/blob-store';
import { AvatarRejected, initialsOf, normaliseAvatar, renderInitialsAvatar } from './avatar-image';
import { AVATAR_FILE_PATTERN, avatarVersion } from './avatar-url';
import { UserEntity } from './user.entity';
import { errors } from '../common/errors';

/** The part of an uploaded file the service looks at (multer's memory storage shape). */
export interface UploadedImage {
  buffer: Buffer;
  originalname: string;
}

export interface AvatarImage {
  body: Buffer;
  contentType: 'image/webp';
  /** Changes with the picture: the ETag and the `v` of the URL. */
  version: string;
}

/** Generated initials pictures kept in memory (they are small and cheap, but not free, to draw). */
const INITIALS_CACHE_SIZE = 1000;
/** Compare-and-set attempts when two changes to the same user's picture race. */
const MAX_ATTEMPTS = 5;
/** Where pictures lived before they moved onto the BlobStore (under DATA_DIR). */
const LEGACY_FOLDER = 'avatars';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Where a stored picture's ciphertext is bound: its user and its file name (a picture copied to another user does not decrypt). */
const avatarAad = (userId: string, fileName: string) => `avatars:${userId}:${fileName}`;

function rejected(message: string): ApiException {
  return errors.validation(AVATAR_FIELD, message);
}

/**
 * Users' pictures, kept in the BlobStore under `avatars/<name>` (local disk or S3, so every API process sees
 * them), encrypted with the key ring's current data key. Uploads are checked and re-encoded (see normaliseAvatar) before anything is stored; the new file is
 * written before the user row points at it, and the old file is removed only after that update, so a failed
 * upload leaves the old picture in place and a crash at worst leaves an unused file behind.
 */
@Injectable()
export class AvatarService implements OnModuleInit {
  private readonly logger = new Logger(AvatarService.name);
  /** Pictures stored before the BlobStore, moved into it at start-up (and read from here until they are). */
  private readonly legacyDir: string;
  private readonly initials = new Map<string, Buffer>();

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly events: AppEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly keys: KeyRing,
  ) {
    this.legacyDir = join(config.dataDir, LEGACY_FOLDER);
  }

  async onModuleInit(): Promise<void> {
    await this.moveLegacyFiles();
  }

  /**
   * Moves the pictures of an older Parley (files in DATA_DIR/avatars) into the BlobStore: each is copied, then
   * deleted, so a crash half-way leaves every picture in one place or both, and the next start finishes the
   * job. A picture that cannot be moved stays where it was and is still shown (see `image`).
   */
  private async moveLegacyFiles(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.legacyDir)).filter((n) => AVATAR_FILE_PATTERN.test(n));
    } catch {
      return; // No such folder: nothing to move.
    }
    let moved = 0;
    for (const name of names) {
      try {
        if (!(await this.blobs.stat(this.keyOf(name)))) await this.blobs.put(this.keyOf(name), await readFile(this.legacyPathOf(name)), { contentType: 'image/webp' });
        await rm(this.legacyPathOf(name), { force: true });
        moved++;
      } catch (err) {
        this.logger.warn(`Could not move avatar ${name} into the file store: ${(err as Error).message}`);
      }
    }
    if (moved) this.logger.log(`Moved ${moved} avatars from ${this.legacyDir} into the file store`);
    // Removed only when empty: anything else an operator left there stays.
    await rmdir(this.legacyDir).catch(() => undefined);
  }

  /** Replaces the user's picture. Throws a 400 saying what is wrong with a bad upload; the old picture stays. */
  async upload(userId: string, file: UploadedImage | undefined): Promise<UserEntity> {
    if (!file) throw rejected(`Send the picture as multipart/form-data in a field named "${AVATAR_FIELD}"`);
    // The name is never used; a path in it is still a sign of a broken or hostile client.
    const name = file.originalname;
    if (/[/\\]|\.\./.test(name) || [...name].some((c) => c.charCodeAt(0) < 0x20)) throw rejected('The file name must be a plain name, not a path');
    let webp: Buffer;
    try {
      webp = await normaliseAvatar(file.buffer, { maxPixels: this.config.avatars.maxPixels });
    } catch (err) {
      if (err instanceof AvatarRejected) throw rejected(err.message);
      throw err;
    }

    const fileName = `${randomBytes(16).toString('hex')}.webp`;
    await this.blobs.put(this.keyOf(fileName), this.keys.sealBytes(webp, avatarAad(userId, fileName)), { contentType: 'image/webp' });
    let previous: string | null;
    try {
      previous = await this.swap(userId, fileName);
    } catch (err) {
      await this.removeFile(fileName);
      throw err;
    }
    if (previous) await this.removeFile(previous);
    await this.events.emit('user.updated', { userId });
    return this.users.findOneByOrFail({ id: userId });
  }

  /** Goes back to the initials picture. Doing it twice is not an error. */
  async remove(userId: string): Promise<UserEntity> {
    const previous = await this.swap(userId, null);
    if (previous) {
      await this.removeFile(previous);
      await this.events.emit('user.updated', { userId });
    }
    return this.users.findOneByOrFail({ id: userId });
  }

  /** The picture of any user (deactivated ones included: their old messages still show it). */
  async image(userId: string): Promise<AvatarImage> {
    const user = await this.users.findOne({
      where: { id: userId },
      select: { id: true, username: true, displayName: true, avatarFile: true },
    });
    if (!user) throw errors.notFound('User');
    const version = avatarVersion(user);
    if (user.avatarFile && AVATAR_FILE_PATTERN.test(user.avatarFile)) {
      try {
        const stored = await this.blobs.get(this.keyOf(user.avatarFile));
        const bytes = stored ? await readAll(stored) : await readFile(this.legacyPathOf(user.avatarFile));
        const body = await this.keys.reading(() => this.keys.openBytes(bytes, avatarAad(user.id, user.avatarFile!)));
        return { body, contentType: 'image/webp', version };
      } catch (err) {
        // A file lost (a restored backup without the files): show initials rather than fail.
        this.logger.warn(`Avatar file of user ${userId} is unreadable: ${(err as Error).message}`);
      }
    }
    const initialsVersion = avatarVersion({ ...user, avatarFile: null });
    return { body: await this.initialsImage(user, initialsVersion), contentType: 'image/webp', version: initialsVersion };
  }

  /**
   * One step of the background encryption job (EncryptionSweep): the pictures of the `limit` users after
   * `after` (in id order) that are not stored as the key ring would store them now (plaintext, or under a
   * retired data key) are written again in place. A picture replaced meanwhile is left to its replacement.
   */
  async reseal(after: string | null, limit: number): Promise<{ last: string | null; changed: number }> {
    const users = await this.users.find({
      where: { avatarFile: Not(IsNull()), ...(after ? { id: MoreThan(after) } : {}) },
      select: { id: true, avatarFile: true },
      order: { id: 'ASC' },
      take: limit,
    });
    let changed = 0;
    for (const { id, avatarFile } of users) {
      if (!avatarFile || !AVATAR_FILE_PATTERN.test(avatarFile)) continue;
      try {
        const stored = await this.blobs.get(this.keyOf(avatarFile));
        if (!stored) continue;
        const bytes = await readAll(stored);
        if (this.keys.bytesAreCurrent(bytes)) continue;
        const aad = avatarAad(id, avatarFile);
        const plain = await this.keys.reading(() => this.keys.openBytes(bytes, aad));
        await this.blobs.put(this.keyOf(avatarFile), this.keys.sealBytes(plain, aad), { contentType: 'image/webp' });
        // Replaced while we wrote: the new picture's upload removed this file, which we just wrote back.
        const current = await this.users.findOne({ where: { id }, select: { id: true, avatarFile: true } });
        if (current?.avatarFile !== avatarFile) await this.blobs.delete(this.keyOf(avatarFile));
        else changed++;
      } catch (err) {
        this.logger.warn(`Could not encrypt the avatar of user ${id}: ${(err as Error).message}`);
      }
    }
    return { last: users.length ? users[users.length - 1].id : null, changed };
  }

  /** Points the user at `next` (a file name or null) if nobody changed it meanwhile; returns the file it replaced. */
  private async swap(userId: string, next: string | null): Promise<string | null> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.users.findOne({ where: { id: userId }, select: { id: true, avatarFile: true } });
      if (!current) throw errors.notFound('User');
      if (current.avatarFile === next) return null;
      const result = await this.users.update({ id: userId, avatarFile: current.avatarFile ?? IsNull() }, { avatarFile: next });
      if (result.affected === 1) return current.avatarFile;
    }
    throw errors.conflict('Your picture is being changed by another request; try again');
  }

  private async initialsImage(user: Pick<UserEntity, 'id' | 'displayName' | 'username'>, version: string): Promise<Buffer> {
    const key = `${user.id}:${version}`;
    const cached = this.initials.get(key);
    if (cached) {
      // Least recently used goes first: re-insert to mark it fresh.
      this.initials.delete(key);
      this.initials.set(key, cached);
      return cached;
    }
    const body = await renderInitialsAvatar(user.id, initialsOf(user.displayName, user.username));
    this.initials.set(key, body);
    if (this.initials.size > INITIALS_CACHE_SIZE) this.initials.delete(this.initials.keys().next().value!);
    return body;
  }

  /** The BlobStore key of a stored picture. */
  private keyOf(fileName: string): string {
    if (!AVATAR_FILE_PATTERN.test(fileName)) throw new Error(`Refusing avatar file name ${JSON.stringify(fileName)}`);
    return `avatars/${fileName}`;
  }

  private legacyPathOf(fileName: string): string {
    if (!AVATAR_FILE_PATTERN.test(fileName)) throw new Error(`Refusing avatar file name ${JSON.stringify(fileName)}`);
    return join(this.legacyDir, fileName);
  }

  private async removeFile(fileName: string): Promise<void> {
    try {
      await this.blobs.delete(this.keyOf(fileName));
      await rm(this.legacyPathOf(fileName), { force: true });
    } catch (err) {
      this.logger.warn(`Could not remove avatar file ${fileName}: ${(err as Error).message}`);
    }
  }
}
