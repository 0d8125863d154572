import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { Attachment, fileContentUrl, fileThumbnailUrl } from '@parley/contracts';
import { formatFileSize } from '../../../shared/file-size';
import { GridCell, gridCells, singleImageBox, videoBox, viewOf } from '../attachment-layout';
import { FileIcon } from '../file-icon';
import { Lightbox } from '../lightbox/lightbox';

interface Player {
  attachment: Attachment;
  src: string;
  size: string;
  download: string;
  poster: string | null;
  width: number;
  height: number;
}

interface Card {
  attachment: Attachment;
  size: string;
  download: string;
  /** A preview of the first page (a PDF the server could render), else null. */
  preview: string | null;
}

/** The download address of a file: always saved, never shown in the browser. */
export function downloadUrl(id: string): string {
  return `${fileContentUrl(id)}?download=1`;
}

/**
 * What a message carries: pictures inline (one at its own proportions, several in a tidy grid) that open in
 * the lightbox, video and audio in the browser's own players, other files as cards with a download link. Every
 * box has its size before anything loads, so the conversation does not jump.
 */
@Component({
  selector: 'app-message-attachments',
  imports: [FileIcon],
  templateUrl: './message-attachments.html',
  styleUrl: './message-attachments.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageAttachments {
  private readonly lightbox = inject(Lightbox);

  readonly attachments = input.required<readonly Attachment[]>();

  protected readonly images = computed(() => this.attachments().filter((a) => viewOf(a) === 'image'));
  protected readonly single = computed(() => {
    const images = this.images();
    if (images.length !== 1) return null;
    const image = images[0]!;
    return { attachment: image, src: fileThumbnailUrl(image.id), ...singleImageBox(image.width, image.height) };
  });
  protected readonly grid = computed<GridCell[]>(() => (this.images().length > 1 ? gridCells(this.images()) : []));
  protected readonly videos = computed<Player[]>(() =>
    this.attachments()
      .filter((a) => viewOf(a) === 'video')
      .map((a) => ({
        attachment: a,
        src: fileContentUrl(a.id),
        size: formatFileSize(a.size),
        download: downloadUrl(a.id),
        poster: a.thumbnail ? fileThumbnailUrl(a.id) : null,
        ...videoBox(a.width, a.height),
      })),
  );
  protected readonly audios = computed(() =>
    this.attachments()
      .filter((a) => viewOf(a) === 'audio')
      .map((a) => ({ attachment: a, src: fileContentUrl(a.id), size: formatFileSize(a.size), download: downloadUrl(a.id) })),
  );
  protected readonly cards = computed<Card[]>(() =>
    this.attachments()
      .filter((a) => viewOf(a) === 'file')
      .map((a) => ({ attachment: a, size: formatFileSize(a.size), download: downloadUrl(a.id), preview: a.thumbnail ? fileThumbnailUrl(a.id) : null })),
  );

  protected thumbnail(id: string): string {
    return fileThumbnailUrl(id);
  }

  protected openImage(index: number): void {
    void this.lightbox.open(this.images(), index);
  }

  protected imageLabel(cell: GridCell): string {
    const more = cell.more > 0 ? `, and ${cell.more} more` : '';
    return `Open ${cell.attachment.name}${more}`;
  }
}
