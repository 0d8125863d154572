import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { E2eeDevice, e2eeUserId } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthStore } from '../../core/auth-store';
import { formMessage, toApiError } from '../../core/api-error';
import { LocalTimePipe } from '../../shared/local-time-pipe';
import { E2eeApi } from '../e2ee-api';

/** A device's Ed25519 identity key in groups of four, to compare by eye with what that device shows. */
export function fingerprint(key: string): string {
  return (key.match(/.{1,4}/g) ?? []).join(' ');
}

interface DeviceRow extends E2eeDevice {
  fingerprint: string | null;
}

/**
 * My devices for end-to-end encryption (every browser sign-in that opened an encrypted room, and tokens that
 * registered): their identity key's fingerprint, and sign out one I no longer use (rooms then stop sharing
 * keys with it). Verifying devices by emoji comes later: until then every device shows as not verified.
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

  protected readonly devices = signal<DeviceRow[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly removing = signal<string | null>(null);

  ngOnInit(): void {
    void this.load();
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
      this.devices.set(
        devices.map((d) => {
          const ed = keys[d.deviceId]?.keys?.[`ed25519:${d.deviceId}`];
          return { ...d, fingerprint: ed ? fingerprint(ed) : null };
        }),
      );
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    }
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
