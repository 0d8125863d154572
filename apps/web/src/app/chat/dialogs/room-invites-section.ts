import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { CreateInviteRequest, INVITE_MAX_USES_MAX, INVITE_TTL_HOURS_DEFAULT, RoomInvite } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { formMessage, toApiError } from '../../core/api-error';
import { FormErrorState } from '../../core/form-error-state';
import { RoomsApi } from '../../core/rooms-api';
import { FieldControl, FormField } from '../../shared/form-field';
import { LocalTimePipe } from '../../shared/local-time-pipe';

/** What people open to join: this app's invite page. */
export function inviteLink(code: string): string {
  return `${location.origin}/invite/${encodeURIComponent(code)}`;
}

const LABELS = { ttlHours: 'Expires after', maxUses: 'Uses' } as const;
type InviteField = keyof typeof LABELS;

const LIFETIMES = [
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '1 day' },
  { hours: INVITE_TTL_HOURS_DEFAULT, label: '7 days' },
  { hours: 24 * 30, label: '30 days' },
];

/**
 * Invite links for a room: make one (how long it lasts, how many may use it), copy it, revoke it. The API
 * cannot list earlier codes (only their hashes are stored), so this shows the ones made while it is open.
 */
@Component({
  selector: 'app-room-invites-section',
  imports: [ReactiveFormsModule, LocalTimePipe, FormField, FieldControl],
  templateUrl: './room-invites-section.html',
  styleUrls: ['../../shared/dialog/settings-section.css', './room-invites-section.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RoomInvitesSection {
  private readonly rooms = inject(RoomsApi);

  readonly roomId = input.required<string>();

  protected readonly labels = LABELS;
  protected readonly lifetimes = LIFETIMES;
  protected readonly maxUsesLimit = INVITE_MAX_USES_MAX;
  protected readonly form = inject(NonNullableFormBuilder).group({
    ttlHours: [INVITE_TTL_HOURS_DEFAULT],
    maxUses: [null as number | null, [Validators.min(1), Validators.max(INVITE_MAX_USES_MAX)]],
  });
  protected readonly errors = new FormErrorState<InviteField>(this.form, LABELS);
  protected readonly invites = signal<RoomInvite[]>([]);
  protected readonly creating = signal(false);
  protected readonly revoking = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly copied = signal<string | null>(null);
  protected readonly link = inviteLink;

  protected async createInvite(): Promise<void> {
    this.errors.submitted.set(true);
    if (this.form.invalid || this.creating()) return;
    const { ttlHours, maxUses } = this.form.getRawValue();
    const request: CreateInviteRequest = { ttlHours: Number(ttlHours) };
    if (maxUses !== null) request.maxUses = maxUses;
    this.creating.set(true);
    this.errors.reset();
    this.error.set(null);
    try {
      const invite = await firstValueFrom(this.rooms.createInvite(this.roomId(), request));
      this.invites.update((list) => [invite, ...list]);
      this.errors.submitted.set(false);
      await this.copy(invite);
    } catch (err) {
      this.errors.showApiError(err);
    } finally {
      this.creating.set(false);
    }
  }

  protected async copy(invite: RoomInvite): Promise<void> {
    try {
      await navigator.clipboard.writeText(inviteLink(invite.code));
      this.copied.set(invite.code);
    } catch {
      // No clipboard access (permissions, an insecure origin): the link is in a field to copy by hand.
      this.copied.set(null);
    }
  }

  protected selectAll(event: Event): void {
    (event.target as HTMLInputElement).select();
  }

  protected async revoke(invite: RoomInvite): Promise<void> {
    if (this.revoking()) return;
    this.revoking.set(invite.code);
    this.error.set(null);
    try {
      await firstValueFrom(this.rooms.revokeInvite(this.roomId(), invite.code), { defaultValue: undefined });
      this.invites.update((list) => list.filter((i) => i.code !== invite.code));
      if (this.copied() === invite.code) this.copied.set(null);
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    } finally {
      this.revoking.set(null);
    }
  }
}
