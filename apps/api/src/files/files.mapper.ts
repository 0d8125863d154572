import { Attachment, fileCategory, FileInfo } from '@parley/contracts';
import { FileEntity } from './file.entity';

/** While bytes arrive, a file's size is the size its upload announced. */
export function toAttachment(f: FileEntity): Attachment {
  return { id: f.id, name: f.name, size: f.status === 'uploading' ? f.declaredSize : f.size, mime: f.mime, width: f.width, height: f.height, thumbnail: f.hasThumbnail };
}

export function toFileInfo(f: FileEntity): FileInfo {
  return {
    ...toAttachment(f),
    roomId: f.roomId,
    uploaderId: f.uploaderId,
    status: f.status,
    category: f.category ?? fileCategory(f.mime),
    messageId: f.messageId,
    createdAt: f.createdAt.toISOString(),
  };
}
