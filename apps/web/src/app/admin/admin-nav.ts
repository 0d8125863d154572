import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';

/** The admin pages' tabs: People and Records. */
@Component({
  selector: 'app-admin-nav',
  imports: [RouterLink, RouterLinkActive],
  template: `
    <nav aria-label="Administration">
      <a routerLink="/admin" routerLinkActive="active" [routerLinkActiveOptions]="{ exact: true }" ariaCurrentWhenActive="page">People</a>
      <a routerLink="/admin/records" routerLinkActive="active" ariaCurrentWhenActive="page">Records</a>
    </nav>
  `,
  styles: `
    nav {
      display: flex;
      gap: 0.5rem;
    }
    a {
      padding: 0.35rem 0.8rem;
      border-radius: 999px;
      color: var(--text-muted);
      text-decoration: none;
      font-weight: 600;
    }
    a.active {
      background: var(--surface-muted);
      color: var(--text);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AdminNav {}
