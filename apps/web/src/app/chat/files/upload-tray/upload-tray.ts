import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { formatFileSize } from '../../../shared/file-size';
import { FileIcon } from '../file-icon';
import { PendingUpload } from '../upload-queue';
import { Uploads } from '../uploads';

interface TrayItem {
  upload: PendingUpload;
  /** 0–100, or null when there is no bar to show. */
  percent: number | null;
  status: string;
  /** The message it goes with was sent already (it goes once uploaded). */
  waiting: boolean;
  failed: boolean;
}

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
      return upload.error ?? 'Not uploaded.';
  }
}

/**
 * The files going with the next message, above the composer: a picture of each image, name, size, a progress
 * bar, and Cancel (or Retry when the connection failed it). Files of a message already sent say so until they
 * are up and the message goes.
 */
@Component({
  selector: 'app-upload-tray',
  imports: [FileIcon],
  templateUrl: './upload-tray.html',
  styleUrl: './upload-tray.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UploadTray {
  private readonly uploads = inject(Uploads);

  readonly roomId = input.required<string>();

  protected readonly items = computed<TrayItem[]>(() =>
    this.uploads
      .inRoom(this.roomId())()
      .map((upload) => ({
        upload,
        percent: upload.status === 'failed' ? null : upload.size === 0 ? 100 : Math.round((upload.sent / upload.size) * 100),
        status: uploadStatusText(upload),
        waiting: upload.sendId !== null,
        failed: upload.status === 'failed',
      })),
  );
  protected readonly notice = computed(() => this.uploads.notice(this.roomId()));

  protected cancel(upload: PendingUpload): void {
    this.uploads.cancel(upload.key);
  }

  protected retry(upload: PendingUpload): void {
    this.uploads.retry(upload.key);
  }

  protected dismissNotice(): void {
    this.uploads.dismissNotice(this.roomId());
  }
}
