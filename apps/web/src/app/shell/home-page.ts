import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { AuthStore } from '../core/auth-store';

/** The home route: conversations will live here; until then, a welcome. */
@Component({
  selector: 'app-home-page',
  imports: [RouterLink],
  templateUrl: './home-page.html',
  styleUrl: './home-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HomePage {
  private readonly auth = inject(AuthStore);

  protected readonly isAdmin = this.auth.isAdmin;
  protected readonly firstName = computed(() => this.auth.user()?.displayName.trim().split(/\s+/)[0] ?? '');
  protected readonly hasStatus = computed(() => (this.auth.user()?.statusText ?? '') !== '');
}
