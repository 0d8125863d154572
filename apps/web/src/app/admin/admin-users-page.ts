import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { AdminUser, PAGE_SIZE_DEFAULT, Page, SEARCH_QUERY_MAX_LENGTH } from '@parley/contracts';
import { catchError, debounceTime, distinctUntilChanged, map, of, switchMap, tap } from 'rxjs';
import { AdminUsersApi } from '../core/admin-users-api';
import { formMessage, toApiError } from '../core/api-error';
import { AuthStore } from '../core/auth-store';
import { Avatar } from '../shared/avatar';
import { Confirmation } from '../shared/dialog/confirmation';
import { LocalTimePipe } from '../shared/local-time-pipe';
import { AdminNav } from './admin-nav';

interface ListState {
  page: Page<AdminUser> | null;
  error: string | null;
}

/** Every account on the server, searchable, with deactivate / reactivate. Admins only (route guard). */
@Component({
  selector: 'app-admin-users-page',
  imports: [LocalTimePipe, Avatar, AdminNav],
  templateUrl: './admin-users-page.html',
  styleUrl: './admin-users-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AdminUsersPage {
  private readonly api = inject(AdminUsersApi);
  private readonly auth = inject(AuthStore);
  private readonly confirmation = inject(Confirmation);

  protected readonly searchMax = SEARCH_QUERY_MAX_LENGTH;
  protected readonly query = signal('');
  protected readonly pageNumber = signal(1);
  protected readonly loading = signal(true);
  protected readonly state = signal<ListState>({ page: null, error: null });
  protected readonly busyId = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly myId = computed(() => this.auth.user()?.id ?? null);

  protected readonly users = computed(() => this.state().page?.items ?? []);
  protected readonly total = computed(() => this.state().page?.total ?? 0);
  protected readonly pageCount = computed(() => Math.max(1, Math.ceil(this.total() / PAGE_SIZE_DEFAULT)));
  protected readonly range = computed(() => {
    const page = this.state().page;
    if (!page || page.items.length === 0) return null;
    const first = (page.page - 1) * page.pageSize + 1;
    return { first, last: first + page.items.length - 1 };
  });

  constructor() {
    const request = computed(() => ({ q: this.query().trim(), page: this.pageNumber() }));
    toObservable(request)
      .pipe(
        debounceTime(200),
        distinctUntilChanged((a, b) => a.q === b.q && a.page === b.page),
        tap(() => this.loading.set(true)),
        switchMap(({ q, page }) =>
          this.api.list({ q: q || undefined, page, pageSize: PAGE_SIZE_DEFAULT }).pipe(
            map((result): ListState => ({ page: result, error: null })),
            catchError((err: unknown) => of<ListState>({ page: null, error: formMessage(toApiError(err)) })),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe((state) => {
        this.state.set(state);
        this.loading.set(false);
      });
  }

  protected updateSearch(value: string): void {
    this.query.set(value);
    this.pageNumber.set(1);
  }

  protected goToPage(page: number): void {
    this.pageNumber.set(Math.min(Math.max(1, page), this.pageCount()));
  }

  /** Asks first: it signs the person out everywhere at once. */
  protected async deactivate(user: AdminUser): Promise<void> {
    const confirmed = await this.confirmation.ask({
      title: `Deactivate ${user.displayName}?`,
      details: [
        `${user.displayName} (@${user.username}) is signed out everywhere at once and can no longer sign in. Their access tokens stop working too.`,
        'Their messages stay. You can reactivate the account at any time.',
      ],
      confirmLabel: 'Deactivate',
      danger: true,
    });
    if (confirmed) await this.changeActive(user, false);
  }

  protected async reactivate(user: AdminUser): Promise<void> {
    await this.changeActive(user, true);
  }

  private async changeActive(user: AdminUser, active: boolean): Promise<void> {
    this.busyId.set(user.id);
    this.actionError.set(null);
    const call = active ? this.api.reactivate(user.id) : this.api.deactivate(user.id);
    call.subscribe({
      next: (updated) => {
        this.state.update((s) => (s.page ? { ...s, page: { ...s.page, items: s.page.items.map((u) => (u.id === updated.id ? updated : u)) } } : s));
        this.busyId.set(null);
      },
      error: (err: unknown) => {
        this.actionError.set(`Could not ${active ? 'reactivate' : 'deactivate'} @${user.username}: ${formMessage(toApiError(err))}`);
        this.busyId.set(null);
      },
    });
  }
}
