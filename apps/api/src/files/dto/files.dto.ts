import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Attachment, FileCategory, FileInfo, FileLimits, FilePage, FileStatus } from '@parley/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

/** Files per page of `GET /api/rooms/:roomId/files`. */
export const FILE_PAGE_DEFAULT = 50;
export const FILE_PAGE_MAX = 100;

export class AttachmentDto implements Attachment {
  @ApiProperty({ format: 'uuid', description: 'The file id: `GET /api/files/{id}/content` serves its bytes' }) id!: string;
  @ApiProperty({ description: 'The file name, sanitised (no paths, control characters or bidirectional overrides)', example: 'report.pdf' }) name!: string;
  @ApiProperty({ description: 'Size in bytes' }) size!: number;
  @ApiProperty({ description: 'The type sniffed from the bytes (never the name\u2019s or the uploader\u2019s word)', example: 'image/png' }) mime!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Pixels, for images (so the timeline can keep their place while they load)' }) width!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Pixels, for images' }) height!: number | null;
  @ApiProperty({ description: 'Whether `GET /api/files/{id}/thumbnail` has a WebP preview' }) thumbnail!: boolean;
}

export class FileInfoDto extends AttachmentDto implements FileInfo {
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ format: 'uuid' }) uploaderId!: string;
  @ApiProperty({
    enum: Object.values(FileStatus),
    enumName: 'FileStatus',
    description: '`uploading`: bytes still arriving (or being checked); `ready`: stored and checked, may be attached by its uploader; `attached`: a message carries it',
  })
  status!: FileStatus;
  @ApiProperty({ enum: Object.values(FileCategory), enumName: 'FileCategory', description: 'What the Files panel filters by, from the sniffed type' })
  category!: FileCategory;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The message that carries it; null until attached' }) messageId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class FilePageDto implements FilePage {
  @ApiProperty({ type: [FileInfoDto], description: 'Newest first' }) items!: FileInfoDto[];
  @ApiProperty({ description: 'Older files remain: ask again with `before` = the last item\u2019s id' }) hasMore!: boolean;
}

export class FileLimitsDto implements FileLimits {
  @ApiProperty({ description: 'The largest file this server accepts, in bytes (FILE_MAX_BYTES)' }) maxBytes!: number;
  @ApiProperty({ description: 'Your storage quota in bytes (FILE_QUOTA_BYTES); 0: unlimited' }) quotaBytes!: number;
  @ApiProperty({ description: 'Bytes your files take now; uploads in progress count at their announced size' }) usedBytes!: number;
}

export class FileListQueryDto {
  @ApiPropertyOptional({ enum: Object.values(FileCategory), enumName: 'FileCategory', description: 'Only files of this kind' })
  @IsOptional()
  @IsIn(Object.values(FileCategory), { message: `category must be one of ${Object.values(FileCategory).join(', ')}` })
  category?: FileCategory;

  @ApiPropertyOptional({ format: 'uuid', description: 'Files shared before this one (the last id of the previous page)' })
  @IsOptional()
  @IsUUID('all', { message: 'before must be a file id (UUID)' })
  before?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: FILE_PAGE_MAX, default: FILE_PAGE_DEFAULT, description: 'Files per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(FILE_PAGE_MAX, { message: `limit must be at most ${FILE_PAGE_MAX}` })
  limit?: number;
}
