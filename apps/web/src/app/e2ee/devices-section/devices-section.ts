import { ChangeDetectionStrategy, Component, OnInit, effect, inject, signal, untracked } from '@angular/core';
import { E2eeDevice, e2eeUserId } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthStore } from '../../core/auth-store';
import { formMessage, toApiError } from '../../core/api-error';
import { LocalTimePipe } from '../../shared/local-time-pipe';
import { E2ee } from '../e2ee';
import { E2eeApi } from '../e2ee-api';
import { E2eePrompts } from '../e2ee-prompts';
import { Recovery } from '../recovery';
import { Verification } from '../verification';

/** A device's Ed25519 identity key in groups of four, to compare by eye with what that device shows. */
export function fingerprint(key: string): string {
  return (key.match(/.{1,4}/g) ?? []).join(' ');
}

interface DeviceRow extends E2eeDevice {
  fingerprint: string | null;
  /**
   * Verified by emoji, by cross-signing (signed with my self-signing key), or this device once set up; null while
   * encryption is not running in this browser, which alone can tell.
   */
  verified: boolean | null;
}

/**
 * My devices for end-to-end encryption (every browser sign-in that opened an encrypted room, and tokens that
 * registered): their identity key's fingerprint, and sign out one I no longer use (rooms then stop sharing
 * keys with it), verify one by comparing emoji, and the account's recovery key (restore this device with it,
 * or make a new one).
 */
@Component({
  selector: 'app-devices-section',
  imports: [LocalTimePipe],
  templateUrl: './devices-section.html',
  styleUrls: ['../../profile/sessions-section.css', './devices-section.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DevicesSection implements OnInit {
  private readonly api = inject(E2eeApi);
  private readonly auth = inject(AuthStore);
  private readonly e2ee = inject(E2ee);
  private readonly prompts = inject(E2eePrompts);
  private readonly verification = inject(Verification);
  protected readonly recovery = inject(Recovery);
  protected readonly recoveryState = this.recovery.state;
  protected readonly encryptionOn = this.e2ee.ready;
  protected readonly replacing = signal(false);

  protected readonly devices = signal<DeviceRow[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly removing = signal<string | null>(null);

  constructor() {
    // A verification finished or this device was restored: trust changed.
    effect(() => {
      this.verification.completed();
      this.e2ee.deviceKeysChanged();
      this.recoveryState();
      this.e2ee.ready();
      untracked(() => void this.load());
    });
  }

  ngOnInit(): void {
    void this.load();
  }

  protected verify(device: DeviceRow): void {
    const me = this.auth.user()?.id;
    if (!me) return;
    this.error.set(null);
    this.verification.verifyDevice(me, device.deviceId).catch((err: unknown) => this.error.set(err instanceof Error ? err.message : 'The verification could not start.'));
  }

  protected restore(): void {
    this.prompts.restore();
  }

  protected async replaceKey(): Promise<void> {
    this.replacing.set(true);
    this.error.set(null);
    try {
      await this.recovery.replaceKey();
    } catch (err) {
      this.error.set(err instanceof Error ? err.message : 'A new recovery key could not be made.');
    } finally {
      this.replacing.set(false);
    }
  }

  protected async load(): Promise<void> {
    try {
      const { devices } = await firstValueFrom(this.api.devices());
      const me = this.auth.user()?.id;
      let keys: Record<string, { keys?: Record<string, string> }> = {};
      if (me && devices.some((d) => d.hasKeys)) {
        const answer = JSON.parse(await this.api.send('POST', 'keys/query', JSON.stringify({ device_keys: { [e2eeUserId(me)]: [] } }))) as {
          device_keys: Record<string, Record<string, { keys?: Record<string, string> }>>;
        };
        keys = answer.device_keys[e2eeUserId(me)] ?? {};
      }
      const trusted = await this.trusted(devices);
      this.devices.set(
        devices.map((d) => {
          const ed = keys[d.deviceId]?.keys?.[`ed25519:${d.deviceId}`];
          return { ...d, fingerprint: ed ? fingerprint(ed) : null, verified: trusted ? trusted.has(d.deviceId) : null };
        }),
      );
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    }
  }

  /** Which of my devices this device trusts; null until encryption runs in this browser. */
  private async trusted(devices: readonly E2eeDevice[]): Promise<Set<string> | null> {
    const session = this.e2ee.current();
    if (!session) return null;
    const ids = new Set<string>();
    const { wasm, machine } = session;
    const me = new wasm.UserId(e2eeUserId(session.userId));
    for (const d of devices) {
      if (!d.hasKeys) continue;
      const device = await machine.getDevice(me, new wasm.DeviceId(d.deviceId));
      if (device && (device.isCrossSigningTrusted() || device.isLocallyTrusted())) ids.add(d.deviceId);
    }
    return ids;
  }

  protected async remove(device: DeviceRow): Promise<void> {
    this.removing.set(device.deviceId);
    this.error.set(null);
    try {
      await firstValueFrom(this.api.removeDevice(device.deviceId));
      this.devices.update((list) => list?.filter((d) => d.deviceId !== device.deviceId) ?? null);
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    } finally {
      this.removing.set(null);
    }
  }
}
