import { DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { Page, PublicRoom, RoomSummary, SEARCH_QUERY_MAX_LENGTH } from '@parley/contracts';
import { catchError, debounceTime, distinctUntilChanged, firstValueFrom, map, of, skip, startWith, switchMap } from 'rxjs';
import { formMessage, toApiError } from '../../core/api-error';
import { PUBLIC_ROOMS_PAGE_SIZE, RoomsApi } from '../../core/rooms-api';
import { labelDialog } from '../../shared/dialog/dialog-label';

const DEBOUNCE_MS = 250;

interface DirectoryState {
  page: Page<PublicRoom> | null;
  loading: boolean;
  error: string | null;
}

/** The public-room directory: search, page through, join (or open one you are in). Closes with the joined room. */
@Component({
  selector: 'app-public-rooms-dialog',
  templateUrl: './public-rooms-dialog.html',
  styleUrls: ['../../shared/dialog/dialog.css', './public-rooms-dialog.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PublicRoomsDialog {
  private readonly dialogRef = inject<DialogRef<RoomSummary | undefined, PublicRoomsDialog>>(DialogRef);
  private readonly rooms = inject(RoomsApi);

  protected readonly titleId = labelDialog('public-rooms');
  protected readonly maxLength = SEARCH_QUERY_MAX_LENGTH;
  protected readonly query = signal('');
  protected readonly pageNumber = signal(1);
  private readonly state = signal<DirectoryState>({ page: null, loading: true, error: null });
  /** The room being joined, if any. */
  protected readonly joining = signal<string | null>(null);
  protected readonly joinError = signal<string | null>(null);

  protected readonly loading = computed(() => this.state().loading);
  protected readonly error = computed(() => this.state().error);
  protected readonly items = computed(() => this.state().page?.items ?? []);
  protected readonly total = computed(() => this.state().page?.total ?? 0);
  protected readonly pageCount = computed(() => Math.max(1, Math.ceil(this.total() / PUBLIC_ROOMS_PAGE_SIZE)));

  constructor() {
    // A new search starts again at page 1.
    toObservable(this.query)
      .pipe(
        map((q) => q.trim()),
        distinctUntilChanged(),
        skip(1),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.pageNumber.set(1));

    toObservable(computed(() => ({ q: this.query().trim(), page: this.pageNumber() })))
      .pipe(
        debounceTime(DEBOUNCE_MS),
        distinctUntilChanged((a, b) => a.q === b.q && a.page === b.page),
        switchMap(({ q, page }) =>
          this.rooms.publicRooms(q, page).pipe(
            map((result): DirectoryState => ({ page: result, loading: false, error: null })),
            catchError((err: unknown) => of<DirectoryState>({ page: null, loading: false, error: formMessage(toApiError(err)) })),
            startWith<DirectoryState>({ ...this.state(), loading: true }),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe((state) => this.state.set(state));
  }

  protected updateQuery(event: Event): void {
    this.query.set((event.target as HTMLInputElement).value);
  }

  protected goToPage(page: number): void {
    this.pageNumber.set(Math.min(Math.max(1, page), this.pageCount()));
  }

  protected async join(room: PublicRoom): Promise<void> {
    if (this.joining()) return;
    this.joining.set(room.id);
    this.joinError.set(null);
    try {
      // Already a member: join is idempotent and answers with the room as I see it.
      this.dialogRef.close(await firstValueFrom(this.rooms.join(room.id)));
    } catch (err) {
      this.joinError.set(formMessage(toApiError(err)));
    } finally {
      this.joining.set(null);
    }
  }

  protected close(): void {
    this.dialogRef.close(undefined);
  }
}
