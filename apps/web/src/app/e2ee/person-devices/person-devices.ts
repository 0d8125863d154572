import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { e2eeUserId } from '@parley/contracts';
import { fingerprint } from '../devices-section/devices-section';
import { E2ee } from '../e2ee';
import { Verification } from '../verification';

interface PersonDevice {
  deviceId: string;
  name: string;
  fingerprint: string | null;
  verified: boolean;
}

/**
 * Another person's encryption devices as this browser knows them (from the key server, checked by the crypto
 * library): whether I verified the person, each device's key fingerprint, and Verify by emoji for one of
 * them (the library then signs their identity with my user-signing key, so cross-signing trusts their other
 * devices). Shown only where this browser uses encryption.
 */
@Component({
  selector: 'app-person-devices',
  template: `
    @if (devices(); as list) {
      <section class="person-devices" aria-labelledby="person-devices-heading">
        <h3 id="person-devices-heading" class="title">
          Encryption
          @if (verified()) {
            <span class="badge badge-success">Verified</span>
          } @else if (list.length) {
            <span class="badge badge-muted">Not verified</span>
          }
        </h3>
        @if (error(); as message) {
          <p class="alert alert-error" role="alert">{{ message }}</p>
        }
        @if (list.length === 0) {
          <p class="meta">No encryption devices yet.</p>
        } @else {
          <ul class="list" aria-label="Their encryption devices">
            @for (d of list; track d.deviceId) {
              <li class="device">
                <span class="meta">
                  <span class="name">{{ d.name }}</span> · {{ d.deviceId }}
                  @if (d.verified) {
                    · verified
                  }
                  @if (d.fingerprint) {
                    <br /><code>{{ d.fingerprint }}</code>
                  }
                </span>
                @if (!d.verified) {
                  <button type="button" class="btn btn-secondary btn-sm" [attr.aria-label]="'Verify device ' + d.name + ' (' + d.deviceId + ')'" (click)="verify(d)">
                    Verify
                  </button>
                }
              </li>
            }
          </ul>
        }
      </section>
    }
  `,
  styleUrl: './person-devices.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PersonDevices {
  private readonly e2ee = inject(E2ee);
  private readonly verification = inject(Verification);

  readonly userId = input.required<string>();

  protected readonly devices = signal<PersonDevice[] | null>(null);
  protected readonly verified = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    effect(() => {
      const userId = this.userId();
      this.verification.completed();
      this.e2ee.deviceKeysChanged();
      if (this.e2ee.ready()) untracked(() => void this.load(userId));
    });
  }

  protected verify(device: PersonDevice): void {
    this.error.set(null);
    this.verification.verifyDevice(this.userId(), device.deviceId).catch((err: unknown) => this.error.set(err instanceof Error ? err.message : 'The verification could not start.'));
  }

  private async load(userId: string): Promise<void> {
    const session = this.e2ee.current();
    if (!session || userId === session.userId) return;
    const { wasm, machine } = session;
    const user = () => new wasm.UserId(e2eeUserId(userId));
    try {
      await machine.updateTrackedUsers([user()]);
      await this.e2ee.flush().catch(() => undefined);
      const identity = await machine.getIdentity(user());
      this.verified.set(identity?.isVerified() ?? false);
      const devices = (await machine.getUserDevices(user(), 5)).devices();
      this.devices.set(
        devices.map((d) => {
          const ed = d.ed25519Key?.toBase64();
          return { deviceId: d.deviceId.toString(), name: d.displayName ?? 'Device', fingerprint: ed ? fingerprint(ed) : null, verified: d.isVerified() };
        }),
      );
    } catch {
      this.error.set('Their encryption devices could not be loaded.');
      this.devices.set([]);
    }
  }
}
