import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { e2eeUserId } from '@parley/contracts';
import { AuthStore } from '../../core/auth-store';
import { PeopleStore } from '../../chat/people-store';
import { E2ee } from '../e2ee';
import { IdentityChange, PersonIdentity, identityChanges } from './identity-changes';

interface Warning {
  userId: string;
  change: IdentityChange;
}

/**
 * Above an encrypted room's composer: whose encryption identity changed. For a person I had verified, the
 * warning is strong (until I withdraw the verification or verify them again, their messages carry a red
 * shield); for anyone else, a notice I acknowledge. Checked again whenever the library learns new keys.
 */
@Component({
  selector: 'app-identity-warnings',
  template: `
    @for (w of warnings(); track w.userId) {
      <p class="alert" [class.alert-error]="w.change === 'verified-changed'" [class.alert-warning]="w.change === 'changed'" role="alert">
        @if (w.change === 'verified-changed') {
          <span>
            <strong>{{ name(w.userId) }}'s verified identity has changed.</strong> Someone may be between you: don't trust their new messages until you
            verify them again from their profile.
          </span>
          <button type="button" class="btn btn-secondary btn-sm" [disabled]="busy()" (click)="withdraw(w.userId)">Withdraw verification</button>
        } @else {
          <span>{{ name(w.userId) }}'s encryption identity has changed (a reset, or a new account set-up). Verify them from their profile to be sure.</span>
          <button type="button" class="btn btn-secondary btn-sm" [disabled]="busy()" (click)="acknowledge(w.userId)">OK</button>
        }
      </p>
    }
  `,
  styles: `
    :host {
      display: grid;
      gap: 0.4rem;
    }
    :host:empty {
      display: none;
    }
    .alert {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 0.75rem;
      margin: 0;
    }
    .alert span {
      flex: 1 1 16rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class IdentityWarnings {
  private readonly e2ee = inject(E2ee);
  private readonly people = inject(PeopleStore);
  private readonly auth = inject(AuthStore);

  /** The room's members (Parley ids). */
  readonly memberIds = input.required<readonly string[]>();

  protected readonly warnings = signal<Warning[]>([]);
  protected readonly busy = signal(false);

  constructor() {
    effect(() => {
      const ids = this.memberIds();
      this.e2ee.deviceKeysChanged();
      const ready = this.e2ee.ready();
      untracked(() => void (ready ? this.check(ids) : this.warnings.set([])));
    });
  }

  protected name(userId: string): string {
    return this.people.nameOf(userId, 'Someone');
  }

  protected async withdraw(userId: string): Promise<void> {
    await this.act(userId, (identity) => identity.withdrawVerification());
  }

  protected async acknowledge(userId: string): Promise<void> {
    await this.act(userId, (identity) => identity.pinCurrentMasterKey());
  }

  private async check(ids: readonly string[]): Promise<void> {
    const session = this.e2ee.current();
    if (!session) return;
    const found = await identityChanges(ids, this.auth.user()?.id ?? null, (id) => this.identity(id)).catch(() => []);
    this.warnings.set(found.map((f) => ({ userId: f.userId, change: f.change })));
  }

  private async identity(matrixUserId: string): Promise<PersonIdentity | undefined> {
    const session = this.e2ee.current();
    if (!session) return undefined;
    const identity = await session.machine.getIdentity(new session.wasm.UserId(matrixUserId));
    return identity instanceof session.wasm.OtherUserIdentity ? identity : undefined;
  }

  private async act(userId: string, run: (identity: PersonIdentity) => Promise<void>): Promise<void> {
    this.busy.set(true);
    try {
      const identity = await this.identity(e2eeUserId(userId));
      if (identity) await run(identity);
      this.e2ee.announceTrustChanged();
      await this.check(this.memberIds());
    } finally {
      this.busy.set(false);
    }
  }
}
