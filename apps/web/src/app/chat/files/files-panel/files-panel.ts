import { DIALOG_DATA, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, Injector, afterNextRender, computed, inject, signal } from '@angular/core';
import { EncryptedAttachment, FileCategory, FileInfo, fileCategory } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { formMessage, toApiError } from '../../../core/api-error';
import { AuthStore } from '../../../core/auth-store';
import { FilesApi } from '../../../core/files-api';
import { Realtime } from '../../../core/realtime';
import { Confirmation } from '../../../shared/dialog/confirmation';
import { labelDialog } from '../../../shared/dialog/dialog-label';
import { formatFileSize } from '../../../shared/file-size';
import { localTime } from '../../../shared/local-time';
import { ChatStore } from '../../chat-store';
import { PeopleStore } from '../../people-store';
import { viewOf } from '../attachment-layout';
import { FileIcon } from '../file-icon';
import { mayRemoveFile } from '../file-removal';
import { Lightbox } from '../lightbox/lightbox';
import { FileSources } from '../file-sources';
import { ShownAttachment } from '../shown-attachment';

/** What an encrypted file is called until this device has decrypted the message that shared it. */
const ENCRYPTED_FILE_NAME = 'Encrypted file (open its message to read it)';

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

/** A listed file; in an encrypted room, as its decrypted message describes it (`sealed`). */
type ListedFile = FileInfo & ShownAttachment;

interface Row {
  file: ListedFile;
  thumbnail: string | null;
  /** Opens in the lightbox (a picture with a thumbnail); else it is downloaded. */
  viewable: boolean;
  details: string;
  /** The download address; null for an encrypted file (decrypted here first, then saved). */
  download: string | null;
  /** I may remove it (the server still decides). */
  removable: boolean;
}

/**
 * What was shared in a room, newest first, by kind (All, Images, Videos, Audio, Documents, Other), a page at a
 * time. Pictures open in the lightbox (and step through the pictures listed); everything can be downloaded, and
 * removed by whoever may (its uploader, the room's owner and admins, app admins) after they confirm.
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
  private readonly auth = inject(AuthStore);
  private readonly chat = inject(ChatStore);
  private readonly confirmation = inject(Confirmation);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  private readonly realtime = inject(Realtime);
  protected readonly sources = inject(FileSources);
  /**
   * In an end-to-end encrypted room the server knows the files only as nameless ciphertext: the list takes their
   * names, types and keys from the messages this device decrypted, hides the thumbnails' own uploads, and
   * filters by kind here.
   */
  private readonly encrypted = this.chat.room(this.data.roomId)?.encrypted ?? false;
  protected readonly titleId = labelDialog('files');
  protected readonly roomName = this.data.roomName;
  protected readonly filters = FILE_FILTERS;
  protected readonly filter = signal(FILE_FILTERS[0]!);
  protected readonly files = signal<readonly FileInfo[]>([]);
  protected readonly hasMore = signal(false);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  /** The file being removed (its button does nothing meanwhile). */
  protected readonly removingId = signal<string | null>(null);
  /** Why the last removal failed, or what it did: shown above the list. */
  protected readonly removeError = signal<string | null>(null);
  protected readonly removed = signal<string | null>(null);
  /** Which load is current: an answer for a filter no longer chosen is dropped. */
  private generation = 0;

  protected readonly rows = computed<Row[]>(() => {
    // The room as the chat knows it now: archived or my role changed while the panel is open count at once.
    const remover = { me: this.auth.user(), room: this.chat.room(this.data.roomId) };
    return this.listed().map((file) => {
      const uploader = this.people.nameOf(file.uploaderId);
      return {
        file,
        thumbnail: file.thumbnail ? this.sources.thumbnail(file) : null,
        viewable: viewOf(file) === 'image',
        details: `${formatFileSize(file.size)} · ${uploader} · ${localTime(file.createdAt, 'date')}`,
        download: this.sources.download(file),
        removable: mayRemoveFile(file, remover),
      };
    });
  });

  /** The files as listed: the server's, or in an encrypted room those described by messages decrypted here. */
  private readonly listed = computed<ListedFile[]>(() => {
    const files = this.files();
    if (!this.encrypted) return [...files];
    const described = new Map<string, EncryptedAttachment>();
    const thumbnails = new Set<string>();
    for (const messageId of new Set(files.map((f) => f.messageId))) {
      for (const a of (messageId && this.chat.decrypted.decryptedById(messageId)?.attachments) || []) {
        described.set(a.id, a);
        if (a.thumbnail) thumbnails.add(a.thumbnail.id);
      }
    }
    const category = this.filter().category;
    return files.flatMap((file): ListedFile[] => {
      if (thumbnails.has(file.id)) return [];
      const sealed = described.get(file.id);
      if (!sealed) return category ? [] : [{ ...file, name: ENCRYPTED_FILE_NAME }];
      const shown: ListedFile = { ...file, name: sealed.name, size: sealed.size, mime: sealed.mime, width: sealed.width, height: sealed.height, thumbnail: sealed.thumbnail !== null, sealed };
      return !category || fileCategory(shown.mime) === category ? [shown] : [];
    });
  });

  /** Some row has Remove: the others keep its place, so that the Download buttons line up. */
  protected readonly anyRemovable = computed(() => this.rows().some((r) => r.removable));

  constructor() {
    void this.load(false);
    // While the panel is open, files that someone removes (or whose message is deleted) leave the list.
    const stops = [
      this.realtime.on('message:updated', (m) => {
        if (m.roomId === this.data.roomId) this.keepOnly(m.id, new Set(m.attachments.map((a) => a.id)));
      }),
      this.realtime.on('message:deleted', (e) => {
        if (e.roomId === this.data.roomId) this.keepOnly(e.messageId, new Set());
      }),
    ];
    inject(DestroyRef).onDestroy(() => stops.forEach((stop) => stop()));
  }

  /**
   * The listed files of message `messageId` that it no longer carries leave the list, the keyboard focus moving
   * on as when they are removed here (the event can arrive before the answer to this panel's own removal).
   */
  private keepOnly(messageId: string, still: ReadonlySet<string>): void {
    for (const file of this.files().filter((f) => f.messageId === messageId && !still.has(f.id))) this.drop(file);
  }

  protected choose(filter: (typeof FILE_FILTERS)[number]): void {
    if (filter === this.filter()) return;
    this.filter.set(filter);
    this.removeError.set(null);
    this.removed.set(null);
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
    const images = this.listed().filter((f) => viewOf(f) === 'image');
    void this.lightbox.open(images, images.indexOf(row.file));
  }

  /** Asks first (it is gone for everyone), then removes it; the message that carried it changes for everyone live. */
  protected async remove(row: Row): Promise<void> {
    const file = row.file;
    if (this.removingId()) return;
    const confirmed = await this.confirmation.ask({
      title: `Remove ${file.name}?`,
      details: [
        `It is removed for everyone in ${this.roomName}, and from the message that shared it. Nobody can open or download it any more.`,
        'This cannot be undone.',
      ],
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!confirmed) return;
    this.removingId.set(file.id);
    this.removeError.set(null);
    this.removed.set(null);
    try {
      await firstValueFrom(this.filesApi.remove(file.id));
      this.drop(file);
      this.removed.set(`${file.name} was removed.`);
    } catch (err) {
      const error = toApiError(err);
      // Already gone (or no longer mine to see): it leaves the list too.
      if (error.statusCode === 404) this.drop(file);
      this.removeError.set(`Could not remove ${file.name}: ${formMessage(error)}`);
    } finally {
      this.removingId.set(null);
    }
  }

  protected close(): void {
    this.dialogRef.close();
  }

  /** Takes the file off the list; the keyboard focus, if it was on that row, goes to the next row (or the one before). */
  private drop(file: FileInfo): void {
    const index = this.files().findIndex((f) => f.id === file.id);
    if (index < 0) return;
    const hadFocus = this.rowElement(index)?.contains(document.activeElement) ?? false;
    this.files.update((held) => held.filter((f) => f.id !== file.id));
    if (!hadFocus) return;
    afterNextRender(
      () => {
        const next = this.rowElement(Math.min(index, this.files().length - 1));
        const target =
          next?.querySelector<HTMLElement>('.remove') ?? next?.querySelector<HTMLElement>('.download') ?? this.host.nativeElement.querySelector<HTMLElement>('.dialog-close');
        target?.focus();
      },
      { injector: this.injector },
    );
  }

  private rowElement(index: number): HTMLElement | null {
    return index < 0 ? null : (this.host.nativeElement.querySelectorAll<HTMLElement>('li.file')[index] ?? null);
  }

  private async load(more: boolean): Promise<void> {
    const generation = ++this.generation;
    const before = more ? (this.files().at(-1)?.id ?? null) : null;
    this.loading.set(true);
    this.error.set(null);
    try {
      // The server cannot tell an encrypted room's files apart: they are all fetched, and filtered here.
      const category = this.encrypted ? null : this.filter().category;
      const page = await firstValueFrom(this.filesApi.roomFiles(this.data.roomId, { category, before }));
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
