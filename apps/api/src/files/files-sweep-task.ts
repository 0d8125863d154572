import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { EncryptionSweep } from '../encryption/encryption-sweep';
import { FileEntity } from './file.entity';
import { FileContents } from './file-contents';
import { FileNames } from './file-names';

/** Files are up to FILE_MAX_BYTES each: a step takes few of them, so it ends well within the job's budget. */
const FILES_PER_STEP = 8;

/**
 * Files' part of the background encryption job (EncryptionSweep): every file in id order, its name, bytes and
 * thumbnail brought in line with the key ring (plaintext encrypted, retired keys replaced). A name changes only
 * if nobody changed the row meanwhile; bytes and thumbnails follow FileContents.reseal.
 */
@Injectable()
export class FilesSweepTask {
  private readonly logger = new Logger(FilesSweepTask.name);

  constructor(
    @InjectRepository(FileEntity) private readonly files: Repository<FileEntity>,
    private readonly contents: FileContents,
    private readonly names: FileNames,
    sweep: EncryptionSweep,
  ) {
    sweep.register({ name: 'files', reseal: (after, limit) => this.reseal(after, Math.min(limit, FILES_PER_STEP)) });
  }

  async reseal(after: string | null, limit: number): Promise<{ last: string | null; changed: number }> {
    const page = await this.files.find({
      where: after ? { id: MoreThan(after) } : {},
      select: { id: true, name: true, status: true, size: true, contentKeyId: true, hasThumbnail: true },
      order: { id: 'ASC' },
      take: limit,
    });
    let changed = 0;
    for (const file of page) {
      try {
        if (!this.names.isCurrent(file.name)) {
          const plain = await this.names.open(file);
          const updated = await this.files.update({ id: file.id, name: file.name }, { name: this.names.seal(file.id, plain.name) });
          changed += updated.affected ?? 0;
        }
        // An upload still arriving is sealed when it finishes.
        if (file.status !== 'uploading') changed += await this.contents.reseal(file);
      } catch (err) {
        this.logger.warn(`Could not encrypt file ${file.id}: ${(err as Error).message}`);
      }
    }
    return { last: page.length ? page[page.length - 1].id : null, changed };
  }
}
