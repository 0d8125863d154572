import { ChangeDetectionStrategy, Component, ElementRef, booleanAttribute, computed, inject, input, output, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { Person, PublicUser, SEARCH_QUERY_MAX_LENGTH } from '@parley/contracts';
import { catchError, debounceTime, distinctUntilChanged, map, of, startWith, switchMap, tap } from 'rxjs';
import { formMessage, toApiError } from '../../core/api-error';
import { AuthStore } from '../../core/auth-store';
import { PeopleApi } from '../../core/people-api';
import { MessageAccess } from '../../friends/message-access';
import { FieldControl, FormField } from '../../shared/form-field';
import { PEOPLE_SEARCH_PLACEHOLDER } from '../../shared/people-search-wording';
import { PersonResult } from './person-result';

const RESULTS = 20;
const DEBOUNCE_MS = 250;

let nextId = 0;

interface SearchState {
  query: string;
  people: Person[] | null;
  loading: boolean;
  error: string | null;
}

/**
 * A search over the user directory with the matches listed under it, each offering only what will work for
 * that person (see PersonResult). Arrow keys move from the field into the list and along it. The signed-in
 * user and `exclude` are never offered.
 */
@Component({
  selector: 'app-people-search',
  imports: [FormField, FieldControl, PersonResult],
  templateUrl: './people-search.html',
  styleUrl: './people-search.css',
  host: { '(keydown)': 'moveFocus($event)' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PeopleSearch {
  private readonly peopleApi = inject(PeopleApi);
  private readonly access = inject(MessageAccess);
  private readonly me = inject(AuthStore).user;
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;

  readonly label = input('Search people');
  readonly hint = input<string | null>(null);
  /** Ids not to offer (members already in, people already picked). */
  readonly exclude = input<readonly string[]>([]);
  /** List the directory before anything is typed. */
  readonly browseWhenEmpty = input(false, { transform: booleanAttribute });
  /** Starting a conversation (`message`), or bringing people into a room (`add`: added, or invited). */
  readonly purpose = input<'message' | 'add'>('message');
  /** The field a surrounding cdk dialog focuses when it opens. */
  readonly initialFocus = input(false, { transform: booleanAttribute });
  /** While a pick is being handled, the buttons are disabled. */
  readonly busy = input(false, { transform: booleanAttribute });

  readonly picked = output<PublicUser>();

  protected readonly id = `people-search-${++nextId}`;
  protected readonly maxLength = SEARCH_QUERY_MAX_LENGTH;
  protected readonly placeholder = PEOPLE_SEARCH_PLACEHOLDER;
  protected readonly query = signal('');
  private readonly state = signal<SearchState>({ query: '', people: null, loading: false, error: null });

  protected readonly loading = computed(() => this.state().loading);
  protected readonly error = computed(() => this.state().error);
  protected readonly results = computed(() => {
    const skip = new Set([...this.exclude(), this.me()?.id ?? '']);
    return (this.state().people ?? []).filter((p) => !skip.has(p.user.id));
  });
  protected readonly searched = computed(() => this.state().people !== null);
  protected readonly shownQuery = computed(() => this.state().query);

  constructor() {
    toObservable(this.query)
      .pipe(
        map((q) => q.trim()),
        debounceTime(DEBOUNCE_MS),
        distinctUntilChanged(),
        switchMap((q) => {
          if (!q && !this.browseWhenEmpty()) return of<SearchState>({ query: q, people: null, loading: false, error: null });
          return this.peopleApi.search({ q: q || undefined, pageSize: RESULTS }).pipe(
            tap((page) => this.access.remember(page.items)),
            map((page): SearchState => ({ query: q, people: page.items, loading: false, error: null })),
            catchError((err: unknown) => of<SearchState>({ query: q, people: [], loading: false, error: formMessage(toApiError(err)) })),
            startWith<SearchState>({ ...this.state(), loading: true }),
          );
        }),
        takeUntilDestroyed(),
      )
      .subscribe((state) => this.state.set(state));
  }

  /** Puts the cursor in the search field. */
  focus(): void {
    this.host.querySelector<HTMLInputElement>('input')?.focus();
  }

  /** Empties the search (after a pick, say). */
  clear(): void {
    this.query.set('');
  }

  protected updateQuery(event: Event): void {
    this.query.set((event.target as HTMLInputElement).value);
  }

  protected pick(user: PublicUser): void {
    if (!this.busy()) this.picked.emit(user);
  }

  /** Down from the field enters the list; up and down move along its buttons; up from the top goes back to the field. */
  protected moveFocus(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const field = this.host.querySelector<HTMLInputElement>('input');
    const buttons = Array.from(this.host.querySelectorAll<HTMLButtonElement>('[data-result]:not(:disabled)'));
    const index = buttons.indexOf(event.target as HTMLButtonElement);
    if (index < 0 && event.target !== field) return;
    if (event.target === field && event.key === 'ArrowUp') return;
    const target = event.key === 'ArrowDown' ? buttons[Math.min(index + 1, buttons.length - 1)] : index <= 0 ? field : buttons[index - 1];
    event.preventDefault();
    target?.focus();
  }
}
