import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { AuthStore } from './core/auth-store';
import { Logo } from './shared/logo';

@Component({
  selector: 'app-root',
  imports: [RouterOutlet, Logo],
  template: `
    @if (restoring()) {
      <div class="boot" role="status">
        <app-logo [withName]="false" />
        <span class="visually-hidden">Loading Parley…</span>
      </div>
    }
    <router-outlet />
  `,
  styles: `
    .boot {
      position: fixed;
      inset: 0;
      display: grid;
      place-items: center;
      --logo-size: 48px;
      /* Only shows up if the session check is slow, so a fast start does not flash. */
      animation: appear 0.3s ease 0.3s both;
    }
    @keyframes appear {
      from {
        opacity: 0;
      }
      to {
        opacity: 1;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  protected readonly restoring = inject(AuthStore).loading;
}
