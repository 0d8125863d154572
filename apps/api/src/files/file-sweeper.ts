import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { JobsService } from '../jobs/jobs.service';
import { FileDiscards } from './file-discards';
import { sweepIntervalMs } from './file-sweep-timing';
import { FilesService } from './files.service';

/**
 * Removes uploads never attached to a message once they have been idle for FILE_UPLOAD_TTL_HOURS, and retries
 * the deletion of deleted files' bytes that did not happen (file_discards), in one process at a time (the
 * `files.sweep` job is claimed in the database).
 */
@Injectable()
export class FileSweeper implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobsService,
    private readonly files: FilesService,
    private readonly discards: FileDiscards,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const ttl = this.config.files.uploadTtlMs;
    this.jobs.every('files.sweep', sweepIntervalMs(ttl), async () => {
      try {
        await this.files.sweep(ttl);
      } finally {
        await this.discards.drain();
      }
    });
  }
}
