import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { SessionInfo } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { formMessage, toApiError } from '../core/api-error';
import { AuthApi } from '../core/auth-api';
import { AuthStore } from '../core/auth-store';
import { describeUserAgent } from './user-agent';
import { LocalTimePipe } from '../shared/local-time-pipe';

/** Where this account is signed in: end one session (a lost laptop) or all of them. */
@Component({
  selector: 'app-sessions-section',
  imports: [LocalTimePipe],
  templateUrl: './sessions-section.html',
  styleUrl: './sessions-section.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionsSection implements OnInit {
  private readonly api = inject(AuthApi);
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);

  protected readonly sessions = signal<SessionInfo[] | null>(null);
  protected readonly busy = signal(false);
  protected readonly ending = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly describe = describeUserAgent;

  ngOnInit(): void {
    void this.loadSessions();
  }

  protected async loadSessions(): Promise<void> {
    try {
      this.sessions.set(await firstValueFrom(this.api.sessions()));
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    }
  }

  protected async endSession(session: SessionInfo): Promise<void> {
    this.ending.set(session.id);
    this.error.set(null);
    try {
      await firstValueFrom(this.api.endSession(session.id));
      this.sessions.update((list) => list?.filter((s) => s.id !== session.id) ?? null);
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    } finally {
      this.ending.set(null);
    }
  }

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
