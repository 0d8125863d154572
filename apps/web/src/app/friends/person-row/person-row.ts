import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { PresenceStatus, PublicUser } from '@parley/contracts';
import { Avatar } from '../../shared/avatar';
import { UserActions } from '../user-actions/user-actions';
import { PRESENCE_LABELS } from '../user-card/user-card';
import { UserCards } from '../user-card/user-cards';

/** One person in a list of the friends page: who they are (opens their card), a line about them, and the actions that apply. */
@Component({
  selector: 'app-person-row',
  imports: [Avatar, UserActions],
  templateUrl: './person-row.html',
  styleUrl: './person-row.css',
  host: { class: 'person-row' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PersonRow {
  private readonly cards = inject(UserCards);

  readonly user = input.required<PublicUser>();
  /** Shown as a dot and in words; none for people whose presence is not followed. */
  readonly presence = input<PresenceStatus | null>(null);
  /** A line under the name, e.g. when a request was sent. */
  readonly detail = input<string | null>(null);

  protected readonly presenceLabel = computed(() => {
    const presence = this.presence();
    return presence ? PRESENCE_LABELS[presence] : null;
  });

  protected openCard(): void {
    void this.cards.open(this.user());
  }
}
