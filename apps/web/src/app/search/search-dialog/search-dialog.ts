import { DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, signal, viewChildren } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { MESSAGE_SEARCH_MAX_LENGTH, RoomKind, SearchHas, SearchPage, SearchQuery, SearchResult } from '@parley/contracts';
import { catchError, debounceTime, distinctUntilChanged, map, of, startWith, switchMap } from 'rxjs';
import { ChatStore } from '../../chat/chat-store';
import { formMessage, toApiError } from '../../core/api-error';
import { AuthStore } from '../../core/auth-store';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { LocalTimePipe } from '../../shared/local-time-pipe';
import { MessageSearch } from '../message-search';
import { SearchApi } from '../search-api';
import { groupByRoom, queryLongEnough, queryMinLength, snippetParts, SnippetPart } from '../search-results';

const DEBOUNCE_MS = 250;

interface Filters {
  q: string;
  roomId: string;
  from: string;
  hasFile: boolean;
  after: string;
  before: string;
}

interface ResultsState {
  results: SearchResult[];
  nextCursor: string | null;
  indexing: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
}

const IDLE: ResultsState = { results: [], nextCursor: null, indexing: false, loading: false, loadingMore: false, error: null };

/** A result as the list shows it, with its place in the keyboard order. */
interface ResultView {
  result: SearchResult;
  index: number;
  parts: SnippetPart[];
  optionId: string;
}

/**
 * Message search: a query, filter chips (room, person, has a file, dates), results grouped by room with the
 * matches marked; arrows move, Enter opens, Esc closes. Closes with the result to open.
 */
@Component({
  selector: 'app-search-dialog',
  imports: [LocalTimePipe],
  templateUrl: './search-dialog.html',
  styleUrls: ['../../shared/dialog/dialog.css', './search-dialog.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SearchDialog {
  private readonly dialogRef = inject<DialogRef<SearchResult | undefined, SearchDialog>>(DialogRef);
  private readonly api = inject(SearchApi);
  private readonly store = inject(ChatStore);
  private readonly auth = inject(AuthStore);
  private readonly options = viewChildren<ElementRef<HTMLElement>>('option');

  protected readonly titleId = labelDialog('search');
  protected readonly shortcut = inject(MessageSearch).shortcut;
  protected readonly maxLength = MESSAGE_SEARCH_MAX_LENGTH;
  protected readonly filters = signal<Filters>({ q: '', roomId: '', from: '', hasFile: false, after: '', before: '' });
  private readonly state = signal<ResultsState>(IDLE);
  protected readonly active = signal(0);

  protected readonly rooms = computed(() => this.store.rooms().map((r) => ({ id: r.id, name: r.kind === RoomKind.Public ? `#${r.name}` : r.name })));
  /** Me first, then everyone whose name this client knows. */
  protected readonly people = computed(() => {
    const me = this.auth.user();
    const others = this.store.people.known().filter((p) => p.id !== me?.id);
    return me ? [{ id: me.id, name: `${me.displayName} (you)` }, ...others] : others;
  });
  protected readonly tooShort = computed(() => {
    const q = this.filters().q.trim();
    return q.length > 0 && !queryLongEnough(q);
  });
  protected readonly minLength = computed(() => queryMinLength(this.filters().q.trim()));
  protected readonly loading = computed(() => this.state().loading);
  protected readonly loadingMore = computed(() => this.state().loadingMore);
  protected readonly error = computed(() => this.state().error);
  protected readonly indexing = computed(() => this.state().indexing);
  protected readonly hasMore = computed(() => this.state().nextCursor !== null);
  protected readonly count = computed(() => this.state().results.length);
  protected readonly groups = computed(() => {
    let index = 0;
    return groupByRoom(this.state().results).map((group) => ({
      room: group.room,
      label: group.room.kind === RoomKind.Public ? `#${group.room.name}` : group.room.name,
      items: group.results.map((result): ResultView => {
        const i = index++;
        return { result, index: i, parts: snippetParts(result.snippet), optionId: `search-result-${i}` };
      }),
    }));
  });
  protected readonly activeId = computed(() => (this.count() ? `search-result-${Math.min(this.active(), this.count() - 1)}` : null));
  protected readonly filtered = computed(() => {
    const f = this.filters();
    return f.roomId !== '' || f.from !== '' || f.hasFile || f.after !== '' || f.before !== '';
  });

  constructor() {
    toObservable(this.filters)
      .pipe(
        map((f) => ({ ...f, q: f.q.trim() })),
        distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b)),
        debounceTime(DEBOUNCE_MS),
        switchMap((f) => {
          if (!queryLongEnough(f.q)) return of(IDLE);
          return this.api.search(this.query(f)).pipe(
            map((page): ResultsState => ({ ...IDLE, ...this.fromPage(page) })),
            catchError((err: unknown) => of<ResultsState>({ ...IDLE, error: formMessage(toApiError(err)) })),
            startWith<ResultsState>({ ...this.state(), loading: true, error: null }),
          );
        }),
        takeUntilDestroyed(),
      )
      .subscribe((state) => {
        this.state.set(state);
        if (!state.loading) this.active.set(0);
      });
  }

  protected setQuery(event: Event): void {
    const q = (event.target as HTMLInputElement).value;
    this.filters.update((f) => ({ ...f, q }));
  }

  protected setFilter(name: 'roomId' | 'from' | 'after' | 'before', event: Event): void {
    const value = (event.target as HTMLInputElement | HTMLSelectElement).value;
    this.filters.update((f) => ({ ...f, [name]: value }));
  }

  protected toggleHasFile(): void {
    this.filters.update((f) => ({ ...f, hasFile: !f.hasFile }));
  }

  protected clearFilters(): void {
    this.filters.update((f) => ({ q: f.q, roomId: '', from: '', hasFile: false, after: '', before: '' }));
  }

  protected async loadMore(): Promise<void> {
    const current = this.state();
    if (!current.nextCursor || current.loadingMore) return;
    this.state.set({ ...current, loadingMore: true });
    const f = { ...this.filters(), q: this.filters().q.trim() };
    this.api.search({ ...this.query(f), cursor: current.nextCursor }).subscribe({
      next: (page) => {
        const now = this.state();
        this.state.set({ ...now, results: [...now.results, ...page.results], nextCursor: page.nextCursor, indexing: page.indexing, loadingMore: false });
      },
      error: (err: unknown) => this.state.set({ ...this.state(), loadingMore: false, error: formMessage(toApiError(err)) }),
    });
  }

  /** Arrows move through the results, Enter opens the active one (Esc closes: the dialog's own). */
  protected navigate(event: KeyboardEvent): void {
    const count = this.count();
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!count) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.active.set((Math.min(this.active(), count - 1) + step + count) % count);
      this.options()[this.active()]?.nativeElement.scrollIntoView({ block: 'nearest' });
    } else if (event.key === 'Enter' && count) {
      event.preventDefault();
      this.open(this.state().results[Math.min(this.active(), count - 1)]!);
    }
  }

  protected open(result: SearchResult): void {
    this.dialogRef.close(result);
  }

  protected senderLabel(result: SearchResult): string {
    return result.message.senderId === this.store.userId ? 'You' : result.senderName;
  }

  protected close(): void {
    this.dialogRef.close(undefined);
  }

  private query(f: Filters): SearchQuery {
    return {
      q: f.q,
      roomId: f.roomId || undefined,
      from: f.from || undefined,
      has: f.hasFile ? SearchHas.File : undefined,
      after: f.after || undefined,
      before: f.before ? nextDay(f.before) : undefined,
    };
  }

  private fromPage(page: SearchPage): Pick<ResultsState, 'results' | 'nextCursor' | 'indexing'> {
    return { results: page.results, nextCursor: page.nextCursor, indexing: page.indexing };
  }
}

/** "Before" a picked day includes that day: the search's `before` is the start of the next. */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
