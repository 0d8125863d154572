import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MemoryLocker } from '@tus/server';
import { RedisConnection } from '../redis/redis-connection';
import { RoomsModule } from '../rooms/rooms.module';
import { BLOB_STORE, BlobStore, UPLOAD_DATA_STORE } from './blob-store';
import { FileDiscardEntity } from './file-discard.entity';
import { FileContents } from './file-contents';
import { FileDiscards } from './file-discards';
import { FileNames } from './file-names';
import { FilesSweepTask } from './files-sweep-task';
import { FileEntity } from './file.entity';
import { FileStorageModule } from './file-storage.module';
import { FileSweeper } from './file-sweeper';
import { FileUploads } from './file-uploads';
import { FileWriteThrottle } from './file-write-throttle';
import { FilesController } from './files.controller';
import { FilesService } from './files.service';
import { MultipartUploads } from './multipart-upload';
import { TusUploads } from './tus-uploads';
import { RedisUploadLocker, UPLOAD_LOCKER } from './upload-lockers';
import { UploadsController } from './uploads.controller';

/**
 * Files in rooms: uploads (tus and multipart), access and serving, deletion and the sweep of abandoned
 * uploads. Owns the `files` table and `file_discards` (the bytes still to delete); the messages module attaches
 * and removes files through `file-claims.ts` inside its own transactions and asks FilesService to delete the
 * bytes of a deleted message's files after the commit.
 */
@Module({
  imports: [TypeOrmModule.forFeature([FileEntity, FileDiscardEntity]), RoomsModule, FileStorageModule],
  controllers: [FilesController, UploadsController],
  providers: [
    { provide: UPLOAD_DATA_STORE, useFactory: (blobs: BlobStore) => blobs.tusDataStore(), inject: [BLOB_STORE] },
    {
      provide: UPLOAD_LOCKER,
      useFactory: (redis: RedisConnection) => (redis.client ? new RedisUploadLocker(redis.client) : new MemoryLocker()),
      inject: [RedisConnection],
    },
    FilesService,
    FileDiscards,
    FileUploads,
    FileWriteThrottle,
    MultipartUploads,
    TusUploads,
    FileSweeper,
    FileContents,
    FileNames,
    FilesSweepTask,
  ],
  exports: [FilesService, FileNames],
})
export class FilesModule {}
