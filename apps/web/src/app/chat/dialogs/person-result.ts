import { ChangeDetectionStrategy, Component, booleanAttribute, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import { Person, PublicUser } from '@parley/contracts';
import { formMessage, toApiError } from '../../core/api-error';
import { FriendsStore } from '../../friends/friends-store';
import { MessageAccess } from '../../friends/message-access';
import { PersonOffer, offerFor, relationKindOf } from '../../friends/messaging';
import { Avatar } from '../../shared/avatar';

/** What a result's button says, for the offers that pick the person. */
const PICK_LABEL: Partial<Record<PersonOffer, string>> = { message: 'Message', add: 'Add', invite: 'Invite' };

/** A line under the name, for the people who cannot simply be picked. */
const WHY: Record<'message' | 'add', Partial<Record<PersonOffer, string>>> = {
  message: {
    'add-friend': 'Add them as a friend to message each other.',
    'request-sent': 'You can message each other once they accept your friend request.',
    'accept-request': 'They asked to be your friend: accept to message each other.',
    blocked: 'You blocked them. Unblock them to message them.',
  },
  add: {
    invite: 'Gets an invitation and joins if they accept.',
    blocked: 'You blocked them. Unblock them to add them.',
  },
};

/**
 * One person found by a people search, with only what will work for them: a button that picks them (to
 * message, add or invite), or, where a conversation cannot be opened yet, the step towards it (add friend,
 * accept their request) or why not (request sent, blocked). Follows the friends store as things change.
 */
@Component({
  selector: 'app-person-result',
  imports: [Avatar],
  templateUrl: './person-result.html',
  styleUrl: './person-result.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PersonResult {
  private readonly access = inject(MessageAccess);
  private readonly friends = inject(FriendsStore);

  readonly person = input.required<Person>();
  /** Starting a conversation, or bringing people into a room. */
  readonly purpose = input<'message' | 'add'>('message');
  /** While a pick is being handled, nothing can be picked. */
  readonly busy = input(false, { transform: booleanAttribute });
  readonly picked = output<PublicUser>();

  protected readonly user = computed(() => this.person().user);
  protected readonly offer = computed(() => {
    const { user, relation } = this.person();
    return offerFor(this.purpose(), this.access.relationTo(user.id) ?? relationKindOf(relation), this.access.canMessage(user.id));
  });
  protected readonly pickLabel = computed(() => PICK_LABEL[this.offer()] ?? null);
  protected readonly why = computed(() => WHY[this.purpose()][this.offer()] ?? null);
  protected readonly working = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    // Something changed between you since the search (a request sent or answered): ask the server again.
    effect(() => {
      const user = this.user();
      if (this.access.canMessage(user.id) === null) untracked(() => void this.access.lookUp(user));
    });
  }

  protected pick(): void {
    if (!this.busy() && this.pickLabel()) this.picked.emit(this.user());
  }

  protected addFriend(): Promise<void> {
    return this.run(() => this.friends.sendRequest(this.user()));
  }

  protected acceptRequest(): Promise<void> {
    const relation = this.friends.relationTo(this.user().id);
    return relation.kind === 'incoming' ? this.run(() => this.friends.accept(relation.request)) : Promise.resolve();
  }

  private async run(work: () => Promise<unknown>): Promise<void> {
    if (this.working()) return;
    this.working.set(true);
    this.error.set(null);
    try {
      await work();
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    } finally {
      this.working.set(false);
    }
  }
}
