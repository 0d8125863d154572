import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { formatFileSize } from '../../../shared/file-size';
import { AttachmentView, GridCell, gridCells, singleImageBox, videoBox, viewOf } from '../attachment-layout';
import { FileIcon } from '../file-icon';
import { FileSources } from '../file-sources';
import { Lightbox } from '../lightbox/lightbox';
import { ShownAttachment } from '../shown-attachment';

/** An encrypted video or sound up to this size plays inline (it is decrypted whole first); larger ones download. */
export const SEALED_PLAYER_MAX_BYTES = 25 * 1024 * 1024;

interface Player {
  attachment: ShownAttachment;
  src: string | null;
  size: string;
  poster: string | null;
  width: number;
  height: number;
}

interface Card {
  attachment: ShownAttachment;
  size: string;
  /** A small picture of the file (the first page of a PDF the server could render, an encrypted file's thumbnail), else null. */
  preview: string | null;
}

/**
 * What a message carries: pictures inline (one at its own proportions, several in a tidy grid) that open in
 * the lightbox, video and audio in the browser's own players, other files as cards with a download link. Every
 * box has its size before anything loads, so the conversation does not jump. Files of encrypted rooms show as
 * they are decrypted in the browser.
 */
@Component({
  selector: 'app-message-attachments',
  imports: [FileIcon, NgTemplateOutlet],
  templateUrl: './message-attachments.html',
  styleUrl: './message-attachments.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageAttachments {
  private readonly lightbox = inject(Lightbox);
  protected readonly sources = inject(FileSources);

  readonly attachments = input.required<readonly ShownAttachment[]>();

  private readonly views = computed(() => this.attachments().map((a) => ({ a, view: shownView(a) })));
  private readonly ofView = (view: AttachmentView) => this.views().filter((v) => v.view === view).map((v) => v.a);

  protected readonly images = computed(() => this.ofView('image'));
  protected readonly single = computed(() => {
    const images = this.images();
    if (images.length !== 1) return null;
    const image = images[0]!;
    return { attachment: image, src: this.sources.thumbnail(image), ...singleImageBox(image.width, image.height) };
  });
  protected readonly grid = computed<GridCell[]>(() => (this.images().length > 1 ? gridCells(this.images()) : []));
  protected readonly videos = computed<Player[]>(() =>
    this.ofView('video').map((a) => ({
      attachment: a,
      src: this.sources.content(a),
      size: formatFileSize(a.size),
      poster: a.thumbnail ? this.sources.thumbnail(a) : null,
      ...videoBox(a.width, a.height),
    })),
  );
  protected readonly audios = computed(() => this.ofView('audio').map((a) => ({ attachment: a, src: this.sources.content(a), size: formatFileSize(a.size) })));
  protected readonly cards = computed<Card[]>(() =>
    this.ofView('file').map((a) => ({ attachment: a, size: formatFileSize(a.size), preview: a.thumbnail ? this.sources.thumbnail(a) : null })),
  );

  protected thumbnail(attachment: ShownAttachment): string | null {
    return this.sources.thumbnail(attachment);
  }

  protected openImage(index: number): void {
    void this.lightbox.open(this.images(), index);
  }

  protected imageLabel(cell: GridCell): string {
    const more = cell.more > 0 ? `, and ${cell.more} more` : '';
    return `Open ${cell.attachment.name}${more}`;
  }
}

/** How a file shows; an encrypted video or sound too big to decrypt whole for the player is a card to download. */
function shownView(a: ShownAttachment): AttachmentView {
  const view = viewOf(a);
  return a.sealed && (view === 'video' || view === 'audio') && a.size > SEALED_PLAYER_MAX_BYTES ? 'file' : view;
}
