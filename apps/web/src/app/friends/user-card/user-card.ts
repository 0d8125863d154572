import { ChangeDetectionStrategy, Component, computed, effect, inject, input, output, untracked } from '@angular/core';
import { PresenceStatus, PublicUser } from '@parley/contracts';
import { Avatar } from '../../shared/avatar';
import { FriendsStore } from '../friends-store';
import { UserActions } from '../user-actions/user-actions';

let nextId = 0;

export const PRESENCE_LABELS: Readonly<Record<PresenceStatus, string>> = {
  [PresenceStatus.Online]: 'Online',
  [PresenceStatus.Away]: 'Away',
  [PresenceStatus.Offline]: 'Offline',
};

/**
 * Someone's profile: picture, display name, @username, status text and presence, with the actions that
 * apply to them (add friend, accept, message, block, unblock…). Shown in a dialog by `UserCards.open()`, and
 * usable inline anywhere a person is shown.
 */
@Component({
  selector: 'app-user-card',
  imports: [Avatar, UserActions],
  templateUrl: './user-card.html',
  styleUrl: './user-card.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UserCard {
  private readonly store = inject(FriendsStore);

  readonly user = input.required<PublicUser>();
  /** The id of the name heading (a dialog is labelled by it). */
  readonly headingId = input(`user-card-name-${++nextId}`);
  /** The direct conversation with them is open: a dialog around the card may close. */
  readonly conversationOpened = output<void>();

  protected readonly presence = computed(() => this.store.presenceOf(this.user().id));
  protected readonly presenceLabel = computed(() => PRESENCE_LABELS[this.presence()]);

  constructor() {
    // The actions depend on the friends lists: make sure they are there (a card can open before the friends page ever did).
    if (!this.store.loaded()) void this.store.refresh();
    effect(() => {
      const id = this.user().id;
      untracked(() => void this.store.lookUpPresence([id]));
    });
  }
}
