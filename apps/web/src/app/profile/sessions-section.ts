import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { formMessage, toApiError } from '../core/api-error';
import { AuthStore } from '../core/auth-store';

/** "Sign out everywhere": ends every session of this account, including this one. */
@Component({
  selector: 'app-sessions-section',
  template: `
    <section class="card" aria-labelledby="sessions-heading">
      <header class="card-header">
        <h2 id="sessions-heading" class="card-title">Sessions</h2>
        <p class="card-description">
          Lost a device or signed in somewhere you shouldn't have? Sign out of Parley on every device, including this one.
          Personal access tokens keep working; revoke them above.
        </p>
      </header>
      <div class="card-body stack">
        @if (error(); as message) {
          <p class="alert alert-error" role="alert">{{ message }}</p>
        }
        <div>
          <button class="btn btn-danger" type="button" [disabled]="busy()" (click)="signOutEverywhere()">
            {{ busy() ? 'Signing out…' : 'Sign out everywhere' }}
          </button>
        </div>
      </div>
    </section>
  `,
  styles: `
    .stack {
      display: grid;
      gap: 1rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionsSection {
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);

  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async signOutEverywhere(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.auth.signOutEverywhere();
      await this.router.navigate(['/login']);
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    } finally {
      this.busy.set(false);
    }
  }
}
