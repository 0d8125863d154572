import { DialogRef } from '@angular/cdk/dialog';
import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { MESSAGE_SEARCH_MAX_LENGTH, RoomKind, SearchHas, SearchPage, SearchQuery, SearchResult, SearchResultRoom, SearchSnippet } from '@parley/contracts';
import { catchError, debounceTime, distinctUntilChanged, from, map, Observable, of, share, startWith, switchMap } from 'rxjs';
import { ChatStore } from '../../chat/chat-store';
import { formMessage, toApiError } from '../../core/api-error';
import { AuthStore } from '../../core/auth-store';
import { DeviceSearch, DeviceSearchHit } from '../../e2ee/device-search/device-search';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { LocalTimePipe } from '../../shared/local-time-pipe';
import { MessageSearch, SearchPick } from '../message-search';
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

/** Results from the encrypted rooms, found in this browser (see DeviceSearch). */
interface DeviceResultsState {
  hits: DeviceSearchHit[];
  /** The first search of a session reads this device's entries first. */
  loading: boolean;
  error: string | null;
}

const NO_DEVICE_RESULTS: DeviceResultsState = { hits: [], loading: false, error: null };

/** A result as the list shows it (from the server or from this device), with its place in the keyboard order. */
interface ResultView {
  key: string;
  pick: SearchPick;
  sender: string;
  createdAt: string;
  inFile: boolean;
  index: number;
  parts: SnippetPart[];
  optionId: string;
}

interface GroupView {
  key: string;
  /** The room's name as the heading shows it. */
  label: string;
  /** What a screen reader hears for the group. */
  name: string;
  items: ResultView[];
}

/**
 * Message search: a query, filter chips (room, person, has a file, dates), results grouped by room with the
 * matches marked; arrows move, Enter opens, Esc closes. Closes with the result to open. Encrypted rooms are
 * searched in this browser, over what this device has decrypted ("On this device", listed first: they come at
 * once); the server searches the others.
 */
@Component({
  selector: 'app-search-dialog',
  imports: [LocalTimePipe, NgTemplateOutlet],
  templateUrl: './search-dialog.html',
  styleUrls: ['../../shared/dialog/dialog.css', './search-dialog.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SearchDialog {
  private readonly dialogRef = inject<DialogRef<SearchPick | undefined, SearchDialog>>(DialogRef);
  private readonly api = inject(SearchApi);
  private readonly deviceSearch = inject(DeviceSearch);
  private readonly store = inject(ChatStore);
  private readonly auth = inject(AuthStore);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  protected readonly titleId = labelDialog('search');
  protected readonly shortcut = inject(MessageSearch).shortcut;
  protected readonly maxLength = MESSAGE_SEARCH_MAX_LENGTH;
  protected readonly filters = signal<Filters>({ q: '', roomId: '', from: '', hasFile: false, after: '', before: '' });
  private readonly state = signal<ResultsState>(IDLE);
  private readonly deviceState = signal<DeviceResultsState>(NO_DEVICE_RESULTS);
  protected readonly active = signal(0);

  /** Whether I am in an encrypted room: then this device searches them, and says how far. */
  protected readonly encryptedRooms = computed(() => this.store.rooms().some((r) => r.encrypted));

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
  protected readonly loading = computed(() => this.state().loading || this.deviceState().loading);
  protected readonly loadingMore = computed(() => this.state().loadingMore);
  protected readonly error = computed(() => this.state().error ?? this.deviceState().error);
  protected readonly indexing = computed(() => this.state().indexing);
  protected readonly hasMore = computed(() => this.state().nextCursor !== null);
  /** Results found on this device first (they come at once), then the server's; one keyboard order over both. */
  protected readonly deviceGroups = computed(() => this.deviceGroupViews(0));
  protected readonly groups = computed(() => this.serverGroupViews(this.deviceGroups().reduce((n, g) => n + g.items.length, 0)));
  private readonly items = computed(() => [...this.deviceGroups(), ...this.groups()].flatMap((g) => g.items));
  protected readonly count = computed(() => this.items().length);
  protected readonly activeId = computed(() => (this.count() ? `search-result-${Math.min(this.active(), this.count() - 1)}` : null));
  protected readonly filtered = computed(() => {
    const f = this.filters();
    return f.roomId !== '' || f.from !== '' || f.hasFile || f.after !== '' || f.before !== '';
  });

  constructor() {
    const filters: Observable<Filters> = toObservable(this.filters).pipe(
      map((f) => ({ ...f, q: f.q.trim() })),
      distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b)),
      debounceTime(DEBOUNCE_MS),
      share(),
    );
    filters
      .pipe(
        switchMap((f) => {
          if (!queryLongEnough(f.q) || !this.encryptedRooms()) return of(NO_DEVICE_RESULTS);
          return from(this.deviceSearch.search(this.deviceQuery(f))).pipe(
            map((hits): DeviceResultsState => ({ ...NO_DEVICE_RESULTS, hits })),
            catchError(() => of<DeviceResultsState>({ ...NO_DEVICE_RESULTS, error: 'Encrypted rooms could not be searched on this device.' })),
            startWith<DeviceResultsState>({ ...this.deviceState(), loading: true, error: null }),
          );
        }),
        takeUntilDestroyed(),
      )
      .subscribe((state) => {
        this.deviceState.set(state);
        if (!state.loading) this.active.set(0);
      });
    filters
      .pipe(
        switchMap((f) => {
          if (!queryLongEnough(f.q) || !this.serverSearches(f)) return of(IDLE);
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
      this.host.nativeElement.querySelector(`#search-result-${this.active()}`)?.scrollIntoView({ block: 'nearest' });
    } else if (event.key === 'Enter' && count) {
      event.preventDefault();
      this.open(this.items()[Math.min(this.active(), count - 1)]!.pick);
    }
  }

  protected open(pick: SearchPick): void {
    this.dialogRef.close(pick);
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

  /**
   * Whether to ask the server: not when the room chip names an encrypted room (the query would tell it what
   * was looked for there), nor when every room I am in is encrypted.
   */
  private serverSearches(f: Filters): boolean {
    const rooms = this.store.rooms();
    if (f.roomId) return this.store.room(f.roomId)?.encrypted !== true;
    return this.store.roomsState() !== 'ready' || rooms.length === 0 || rooms.some((r) => !r.encrypted);
  }

  private deviceQuery(f: Filters) {
    const ready = this.store.roomsState() === 'ready';
    return {
      q: f.q,
      roomId: f.roomId || undefined,
      from: f.from || undefined,
      hasFile: f.hasFile,
      after: f.after || undefined,
      before: f.before ? nextDay(f.before) : undefined,
      inRooms: ready ? new Set(this.store.rooms().map((r) => r.id)) : undefined,
    };
  }

  private senderLabel(senderId: string, name: () => string): string {
    return senderId === this.store.userId ? 'You' : name();
  }

  private serverGroupViews(first: number): GroupView[] {
    let index = first;
    return groupByRoom(this.state().results).map((group) => {
      const label = roomLabel(group.room);
      return {
        key: `server-${group.room.id}`,
        label,
        name: label,
        items: group.results.map((result) =>
          this.view(index++, `server-${result.message.id}`, { roomId: result.room.id, seq: result.seq }, result.snippet, {
            sender: this.senderLabel(result.message.senderId, () => result.senderName),
            createdAt: result.message.createdAt,
            inFile: result.matchedIn === 'file',
          }),
        ),
      };
    });
  }

  private deviceGroupViews(first: number): GroupView[] {
    const groups = new Map<string, GroupView>();
    for (const hit of this.deviceState().hits) {
      const { entry } = hit;
      const room = this.store.room(entry.roomId);
      if (!room) continue;
      let group = groups.get(room.id);
      if (!group) {
        const label = roomLabel(room);
        group = { key: `device-${room.id}`, label, name: `${label}, on this device`, items: [] };
        groups.set(room.id, group);
      }
      group.items.push(
        this.view(0, `device-${entry.messageId}`, { roomId: entry.roomId, seq: entry.seq }, hit.snippet, {
          sender: this.senderLabel(entry.senderId, () => this.store.people.nameOf(entry.senderId)),
          createdAt: entry.createdAt,
          inFile: hit.matchedIn === 'file',
        }),
      );
    }
    // Rooms in the order of their best result; the keyboard goes in the order shown.
    const out = [...groups.values()];
    let index = first;
    for (const item of out.flatMap((g) => g.items)) Object.assign(item, { index, optionId: `search-result-${index++}` });
    return out;
  }

  private view(index: number, key: string, pick: SearchPick, snippet: SearchSnippet, rest: Pick<ResultView, 'sender' | 'createdAt' | 'inFile'>): ResultView {
    return { key, pick, index, parts: snippetParts(snippet), optionId: `search-result-${index}`, ...rest };
  }

  private fromPage(page: SearchPage): Pick<ResultsState, 'results' | 'nextCursor' | 'indexing'> {
    return { results: page.results, nextCursor: page.nextCursor, indexing: page.indexing };
  }
}

function roomLabel(room: Pick<SearchResultRoom, 'kind' | 'name'>): string {
  return room.kind === RoomKind.Public ? `#${room.name}` : room.name;
}

/** "Before" a picked day includes that day: the search's `before` is the start of the next. */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
