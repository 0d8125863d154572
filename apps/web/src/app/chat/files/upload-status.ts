import { formatFileSize } from '../../shared/file-size';
import { PendingUpload } from './upload-queue';

/** The line under a file's name: how far it is, or what it is waiting for. */
export function uploadStatusText(upload: PendingUpload): string {
  const size = formatFileSize(upload.size);
  switch (upload.status) {
    case 'queued':
      return `${size} · Waiting`;
    case 'uploading':
      return `${formatFileSize(upload.sent)} of ${size}`;
    case 'paused':
      return `${formatFileSize(upload.sent)} of ${size} · Waiting for the connection`;
    case 'processing':
      return `${size} · Checking…`;
    case 'ready':
      return `${size} · Ready`;
    case 'failed':
    case 'interrupted':
      return upload.error ?? 'Not uploaded.';
  }
}
