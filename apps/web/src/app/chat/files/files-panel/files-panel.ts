import { DIALOG_DATA, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FileCategory, FileInfo, fileThumbnailUrl } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { formMessage, toApiError } from '../../../core/api-error';
import { FilesApi } from '../../../core/files-api';
import { labelDialog } from '../../../shared/dialog/dialog-label';
import { formatFileSize } from '../../../shared/file-size';
import { localTime } from '../../../shared/local-time';
import { PeopleStore } from '../../people-store';
import { viewOf } from '../attachment-layout';
import { FileIcon } from '../file-icon';
import { Lightbox } from '../lightbox/lightbox';
import { downloadUrl } from '../message-attachments/message-attachments';

export interface FilesPanelData {
  roomId: string;
  roomName: string;
}

/** The panel's filters, in order: all files, then by kind. */
export const FILE_FILTERS: readonly { category: FileCategory | null; label: string; none: string }[] = [
  { category: null, label: 'All', none: 'No files have been shared here yet.' },
  { category: FileCategory.Image, label: 'Images', none: 'No images have been shared here yet.' },
  { category: FileCategory.Video, label: 'Videos', none: 'No videos have been shared here yet.' },
  { category: FileCategory.Audio, label: 'Audio', none: 'No audio has been shared here yet.' },
  { category: FileCategory.Document, label: 'Documents', none: 'No documents have been shared here yet.' },
  { category: FileCategory.Other, label: 'Other', none: 'No other files have been shared here yet.' },
];

interface Row {
  file: FileInfo;
  thumbnail: string | null;
  /** Opens in the lightbox (a picture with a thumbnail); else it is downloaded. */
  viewable: boolean;
  details: string;
  download: string;
}

/**
 * What was shared in a room, newest first, by kind (All, Images, Videos, Audio, Documents, Other), a page at a
 * time. Pictures open in the lightbox (and step through the pictures listed); everything can be downloaded.
 */
@Component({
  selector: 'app-files-panel',
  imports: [FileIcon],
  templateUrl: './files-panel.html',
  styleUrls: ['../../../shared/dialog/dialog.css', './files-panel.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FilesPanel {
  private readonly dialogRef = inject(DialogRef);
  private readonly data = inject<FilesPanelData>(DIALOG_DATA);
  private readonly filesApi = inject(FilesApi);
  private readonly people = inject(PeopleStore);
  private readonly lightbox = inject(Lightbox);

  protected readonly titleId = labelDialog('files');
  protected readonly roomName = this.data.roomName;
  protected readonly filters = FILE_FILTERS;
  protected readonly filter = signal(FILE_FILTERS[0]!);
  protected readonly files = signal<readonly FileInfo[]>([]);
  protected readonly hasMore = signal(false);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  /** Which load is current: an answer for a filter no longer chosen is dropped. */
  private generation = 0;

  protected readonly rows = computed<Row[]>(() =>
    this.files().map((file) => {
      const uploader = this.people.nameOf(file.uploaderId);
      return {
        file,
        thumbnail: file.thumbnail ? fileThumbnailUrl(file.id) : null,
        viewable: viewOf(file) === 'image',
        details: `${formatFileSize(file.size)} · ${uploader} · ${localTime(file.createdAt, 'date')}`,
        download: downloadUrl(file.id),
      };
    }),
  );

  constructor() {
    void this.load(false);
  }

  protected choose(filter: (typeof FILE_FILTERS)[number]): void {
    if (filter === this.filter()) return;
    this.filter.set(filter);
    this.files.set([]);
    this.hasMore.set(false);
    void this.load(false);
  }

  protected loadMore(): void {
    void this.load(true);
  }

  protected retry(): void {
    void this.load(this.files().length > 0);
  }

  protected open(row: Row): void {
    const images = this.files().filter((f) => viewOf(f) === 'image');
    void this.lightbox.open(images, images.indexOf(row.file));
  }

  protected close(): void {
    this.dialogRef.close();
  }

  private async load(more: boolean): Promise<void> {
    const generation = ++this.generation;
    const before = more ? (this.files().at(-1)?.id ?? null) : null;
    this.loading.set(true);
    this.error.set(null);
    try {
      const page = await firstValueFrom(this.filesApi.roomFiles(this.data.roomId, { category: this.filter().category, before }));
      if (generation !== this.generation) return;
      this.files.update((held) => {
        const known = new Set(held.map((f) => f.id));
        return [...(more ? held : []), ...page.items.filter((f) => !known.has(f.id) || !more)];
      });
      this.hasMore.set(page.hasMore);
    } catch (err) {
      if (generation === this.generation) this.error.set(formMessage(toApiError(err)));
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
  }
}
