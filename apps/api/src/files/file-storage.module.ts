import { Global, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { BLOB_STORE, BlobStore } from './blob-store';
import { createBlobStore, describeBlobStore } from './blob-stores/blob-store.provider';
import { S3BlobStore } from './blob-stores/s3-blob-store';
import { FILE_SCANNER, FileScanner } from './file-scanner';
import { ClamdScanner } from './scanning/clamd-scanner';
import { createFileScanner } from './scanning/scanner.provider';

/**
 * Where file bytes live (BLOB_STORE: local disk or S3, FILE_STORAGE) and how uploads are scanned
 * (FILE_SCANNER: FILE_SCAN). Global: the files module, avatars and any later user inject the same two.
 */
@Global()
@Module({
  providers: [
    { provide: BLOB_STORE, useFactory: (config: AppConfig) => createBlobStore(config.fileStorage), inject: [APP_CONFIG] },
    { provide: FILE_SCANNER, useFactory: (config: AppConfig) => createFileScanner(config.fileScan), inject: [APP_CONFIG] },
  ],
  exports: [BLOB_STORE, FILE_SCANNER],
})
export class FileStorageModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FileStorageModule.name);

  constructor(
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(FILE_SCANNER) private readonly scanner: FileScanner,
  ) {}

  onApplicationBootstrap(): void {
    this.logger.log(`Files are stored on ${describeBlobStore(this.blobs)}`);
    if (this.scanner instanceof ClamdScanner) {
      // Not fatal, and not waited for: clamd may start after Parley (or sit behind a firewall that drops packets,
      // where a connection only times out). Until it answers, uploads are refused (or let through when failing open).
      const scanner = this.scanner;
      void scanner.ping().then((ok) => {
        if (ok) this.logger.log(`Uploads are scanned by clamd at ${scanner.address}`);
        else this.logger.warn(`clamd at ${scanner.address} does not answer: uploads cannot be scanned until it does`);
      });
    }
  }

  onApplicationShutdown(): void {
    if (this.blobs instanceof S3BlobStore) this.blobs.destroy();
  }
}
