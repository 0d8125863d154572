import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MemoryLocker } from '@tus/server';
import { RedisConnection } from '../redis/redis-connection';
import { RoomsModule } from '../rooms/rooms.module';
import { BLOB_STORE, BlobStore } from './blob-store';
import { FileEntity } from './file.entity';
import { FileStorageModule } from './file-storage.module';
import { FileSweeper } from './file-sweeper';
import { FileUploads } from './file-uploads';
import { FileWriteThrottle } from './file-write-throttle';
import { FilesController } from './files.controller';
import { FilesService, UPLOAD_DATA_STORE } from './files.service';
import { MultipartUploads } from './multipart-upload';
import { TusUploads } from './tus-uploads';
import { RedisUploadLocker, UPLOAD_LOCKER } from './upload-lockers';
import { UploadsController } from './uploads.controller';

/**
 * Files in rooms: uploads (tus and multipart), access and serving, deletion and the sweep of abandoned
 * uploads. Owns the `files` table; the messages module attaches files through `file-claims.ts` inside its
 * send transaction and asks FilesService to delete the bytes of a deleted message's files.
 */
@Module({
  imports: [TypeOrmModule.forFeature([FileEntity]), RoomsModule, FileStorageModule],
  controllers: [FilesController, UploadsController],
  providers: [
    { provide: UPLOAD_DATA_STORE, useFactory: (blobs: BlobStore) => blobs.tusDataStore(), inject: [BLOB_STORE] },
    {
      provide: UPLOAD_LOCKER,
      useFactory: (redis: RedisConnection) => (redis.client ? new RedisUploadLocker(redis.client) : new MemoryLocker()),
      inject: [RedisConnection],
    },
    FilesService,
    FileUploads,
    FileWriteThrottle,
    MultipartUploads,
    TusUploads,
    FileSweeper,
  ],
  exports: [FilesService],
})
export class FilesModule {}
