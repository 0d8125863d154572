import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { PublicUser, SEARCH_QUERY_MAX_LENGTH } from '@parley/contracts';
import { catchError, debounceTime, distinctUntilChanged, firstValueFrom, map, of, startWith, switchMap, tap } from 'rxjs';
import { formMessage, toApiError } from '../../core/api-error';
import { AuthStore } from '../../core/auth-store';
import { PeopleApi } from '../../core/people-api';
import { FieldControl, FormField } from '../../shared/form-field';
import { PEOPLE_SEARCH_HINT, PEOPLE_SEARCH_PLACEHOLDER } from '../../shared/people-search-wording';
import { FriendsStore } from '../friends-store';
import { MessageAccess } from '../message-access';
import { PersonRow } from '../person-row/person-row';

const PAGE_SIZE = 20;
const DEBOUNCE_MS = 250;

interface Results {
  query: string;
  users: PublicUser[];
  total: number;
  page: number;
  loading: boolean;
  error: string | null;
}

const EMPTY: Results = { query: '', users: [], total: 0, page: 0, loading: true, error: null };

/** The user directory, searched as you type, with what you can do with each person (add, message, block…). */
@Component({
  selector: 'app-find-people',
  imports: [FormField, FieldControl, PersonRow],
  templateUrl: './find-people.html',
  styleUrl: './find-people.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FindPeople {
  private readonly peopleApi = inject(PeopleApi);
  private readonly store = inject(FriendsStore);
  private readonly access = inject(MessageAccess);
  private readonly me = inject(AuthStore).user;

  protected readonly maxLength = SEARCH_QUERY_MAX_LENGTH;
  protected readonly placeholder = PEOPLE_SEARCH_PLACEHOLDER;
  protected readonly hint = PEOPLE_SEARCH_HINT;
  protected readonly query = signal('');
  private readonly results = signal<Results>(EMPTY);
  protected readonly loadingMore = signal(false);

  protected readonly loading = computed(() => this.results().loading);
  protected readonly error = computed(() => this.results().error);
  protected readonly shownQuery = computed(() => this.results().query);
  /** Everyone found but you. */
  protected readonly people = computed(() => this.results().users.filter((u) => u.id !== this.me()?.id));
  protected readonly hasMore = computed(() => this.results().users.length < this.results().total);

  constructor() {
    toObservable(this.query)
      .pipe(
        map((q) => q.trim()),
        debounceTime(DEBOUNCE_MS),
        distinctUntilChanged(),
        switchMap((q) =>
          this.peopleApi.search({ q: q || undefined, page: 1, pageSize: PAGE_SIZE }).pipe(
            tap((page) => this.access.remember(page.items)),
            map((page): Results => ({ query: q, users: page.items.map((p) => p.user), total: page.total, page: 1, loading: false, error: null })),
            catchError((err: unknown) => of<Results>({ ...EMPTY, query: q, loading: false, error: formMessage(toApiError(err)) })),
            startWith<Results>({ ...this.results(), loading: true }),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe((results) => {
        this.results.set(results);
        if (!results.loading) void this.store.lookUpPresence(results.users.map((u) => u.id));
      });
  }

  protected presenceOf(userId: string) {
    return this.store.presenceOf(userId);
  }

  protected updateQuery(event: Event): void {
    this.query.set((event.target as HTMLInputElement).value);
  }

  /** The next page of the same search, added under what is shown. */
  protected async showMore(): Promise<void> {
    const current = this.results();
    if (this.loadingMore() || current.loading) return;
    this.loadingMore.set(true);
    try {
      const page = await firstValueFrom(this.peopleApi.search({ q: current.query || undefined, page: current.page + 1, pageSize: PAGE_SIZE }));
      this.access.remember(page.items);
      // The search changed meanwhile: this page belongs to the old one.
      if (this.results() !== current) return;
      const seen = new Set(current.users.map((u) => u.id));
      const users = page.items.map((p) => p.user).filter((u) => !seen.has(u.id));
      this.results.set({ ...current, users: [...current.users, ...users], total: page.total, page: page.page });
      void this.store.lookUpPresence(users.map((u) => u.id));
    } catch (err) {
      this.results.set({ ...current, error: formMessage(toApiError(err)) });
    } finally {
      this.loadingMore.set(false);
    }
  }
}
