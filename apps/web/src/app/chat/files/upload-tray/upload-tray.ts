import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { FileIcon } from '../file-icon';
import { PendingUpload } from '../upload-queue';
import { uploadStatusText } from '../upload-status';
import { Uploads } from '../uploads';

interface TrayItem {
  upload: PendingUpload;
  /** 0–100, or null when there is no bar to show. */
  percent: number | null;
  status: string;
  /** The message it goes with was sent already (it goes once uploaded). */
  waiting: boolean;
  failed: boolean;
  /** Stopped by a reload: the file must be added again. */
  interrupted: boolean;
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
        percent: upload.status === 'failed' || upload.status === 'interrupted' ? null : upload.size === 0 ? 100 : Math.round((upload.sent / upload.size) * 100),
        status: uploadStatusText(upload),
        waiting: upload.sendId !== null,
        failed: upload.status === 'failed',
        interrupted: upload.status === 'interrupted',
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
