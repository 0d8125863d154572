import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { RoomDetail, RoomInvitation, RoomRole } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { formMessage, toApiError } from '../../core/api-error';
import { AuthStore } from '../../core/auth-store';
import { InvitationsApi } from '../../core/invitations-api';
import { Avatar } from '../../shared/avatar';
import { LocalTimePipe } from '../../shared/local-time-pipe';

/**
 * People invited into the room who have not answered yet (they join only if they accept), with who invited
 * them. Whoever invited someone, and the room's owner and admins, may withdraw the invitation.
 */
@Component({
  selector: 'app-room-invitations-section',
  imports: [Avatar, LocalTimePipe],
  templateUrl: './room-invitations-section.html',
  styleUrls: ['../../shared/dialog/settings-section.css', './room-invitations-section.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RoomInvitationsSection {
  private readonly api = inject(InvitationsApi);
  private readonly me = inject(AuthStore).user;

  readonly room = input.required<RoomDetail>();
  readonly invitations = input.required<readonly RoomInvitation[]>();
  /** An invitation was withdrawn (or had gone already): load the room's again. */
  readonly changed = output<void>();

  protected readonly withdrawing = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly meId = computed(() => this.me()?.id ?? '');
  private readonly moderator = computed(() => this.room().myRole !== RoomRole.Member);

  protected canWithdraw(invitation: RoomInvitation): boolean {
    return this.moderator() || invitation.inviter.id === this.meId();
  }

  protected async withdraw(invitation: RoomInvitation): Promise<void> {
    if (this.withdrawing()) return;
    this.withdrawing.set(invitation.id);
    this.error.set(null);
    this.notice.set(null);
    const name = invitation.invitee.displayName;
    try {
      await firstValueFrom(this.api.withdraw(this.room().id, invitation.id), { defaultValue: undefined });
      this.notice.set(`The invitation to ${name} was withdrawn.`);
      this.changed.emit();
    } catch (err) {
      const error = toApiError(err);
      // Answered or withdrawn meanwhile: the list is out of date.
      if (error.statusCode === 404) {
        this.notice.set(`${name} has already answered, or the invitation was withdrawn.`);
        this.changed.emit();
      } else {
        this.error.set(formMessage(error));
      }
    } finally {
      this.withdrawing.set(null);
    }
  }
}
