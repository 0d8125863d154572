import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { JobsService } from '../jobs/jobs.service';
import { FilesService } from './files.service';

/** The sweep runs a quarter of FILE_UPLOAD_TTL_HOURS apart, at least every ten minutes and at most every second. */
export function sweepIntervalMs(ttlMs: number): number {
  return Math.min(10 * 60_000, Math.max(1000, Math.round(ttlMs / 4)));
}

/**
 * Removes uploads never attached to a message once they have been idle for FILE_UPLOAD_TTL_HOURS, in one
 * process at a time (the `files.sweep` job is claimed in the database).
 */
@Injectable()
export class FileSweeper implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobsService,
    private readonly files: FilesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const ttl = this.config.files.uploadTtlMs;
    this.jobs.every('files.sweep', sweepIntervalMs(ttl), () => this.files.sweep(ttl));
  }
}
