import { ChangeDetectionStrategy, Component, DestroyRef, booleanAttribute, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import { NgTemplateOutlet } from '@angular/common';
import { PublicUser } from '@parley/contracts';
import { formMessage, toApiError } from '../../core/api-error';
import { sentence } from '../../shared/sentence';
import { Relation } from '../friends-state';
import { FriendsStore } from '../friends-store';
import { MessageAccess } from '../message-access';

type Action = 'add' | 'accept' | 'decline' | 'cancel' | 'message' | 'unfriend' | 'block' | 'unblock';
/** The actions that ask "are you sure?" first. */
type Confirmable = 'unfriend' | 'block';

/** What an action brought about, true while where you stand with the person is still what it made it. */
interface Notice {
  text: string;
  relation: Relation['kind'];
}

/**
 * What you can do with someone, as it applies to where you stand with them: add them as a friend, accept
 * or decline their request, withdraw yours, message, unfriend, block or unblock. Follows the friends store,
 * so the buttons change as soon as anything changes (here, on another device or on their side). "Message"
 * is there only when the server would open the conversation (friends; anyone else only on a server that
 * lets anyone talk, and never across a block).
 */
@Component({
  selector: 'app-user-actions',
  imports: [NgTemplateOutlet],
  templateUrl: './user-actions.html',
  styleUrl: './user-actions.css',
  host: { '[class.compact]': 'compact()' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UserActions {
  private readonly store = inject(FriendsStore);
  private readonly access = inject(MessageAccess);
  private readonly destroyRef = inject(DestroyRef);

  readonly user = input.required<PublicUser>();
  /** Smaller buttons, for rows of a list. */
  readonly compact = input(false, { transform: booleanAttribute });
  /** The direct conversation is open (the app has navigated to it). */
  readonly conversationOpened = output<void>();

  protected readonly relation = computed(() => this.store.relationTo(this.user().id));
  protected readonly canMessage = computed(() => this.access.canMessage(this.user().id) === true);
  protected readonly busy = signal<Action | null>(null);
  protected readonly confirming = signal<Confirmable | null>(null);
  protected readonly error = signal<string | null>(null);
  private readonly lastNotice = signal<Notice | null>(null);
  /** The last action's outcome, until something else changes the relation (they accept your request, say). */
  protected readonly notice = computed(() => {
    const notice = this.lastNotice();
    return notice && notice.relation === this.relation().kind ? notice.text : null;
  });

  constructor() {
    // Whether someone who is not a friend may be messaged is the server's to say: ask when it is not known.
    effect(() => {
      const user = this.user();
      if (this.store.loaded() && this.access.canMessage(user.id) === null) untracked(() => void this.access.lookUp(user));
    });
  }

  protected addFriend(): Promise<void> {
    const name = this.user().displayName;
    return this.run('add', async () => {
      await this.store.sendRequest(this.user());
      return this.store.relationTo(this.user().id).kind === 'friend' ? `You and ${name} are friends now.` : sentence(`Friend request sent to ${name}`);
    });
  }

  protected acceptRequest(): Promise<void> {
    const relation = this.relation();
    if (relation.kind !== 'incoming') return Promise.resolve();
    return this.run('accept', async () => {
      await this.store.accept(relation.request);
      return `You and ${this.user().displayName} are friends now.`;
    });
  }

  protected declineRequest(): Promise<void> {
    const relation = this.relation();
    if (relation.kind !== 'incoming') return Promise.resolve();
    return this.run('decline', async () => {
      await this.store.decline(relation.request);
      return 'Request declined.';
    });
  }

  protected cancelRequest(): Promise<void> {
    const relation = this.relation();
    if (relation.kind !== 'outgoing') return Promise.resolve();
    return this.run('cancel', async () => {
      await this.store.cancel(relation.request);
      return 'Request withdrawn.';
    });
  }

  protected openConversation(): Promise<void> {
    return this.run('message', async () => {
      await this.store.message(this.user().id);
      // Opening the conversation navigates away: from a page (not a dialog) that has destroyed this component.
      if (!this.destroyRef.destroyed) this.conversationOpened.emit();
      return null;
    });
  }

  protected unfriend(): Promise<void> {
    return this.run('unfriend', async () => {
      await this.store.unfriend(this.user().id);
      return `${this.user().displayName} is no longer your friend.`;
    });
  }

  protected block(): Promise<void> {
    return this.run('block', async () => {
      await this.store.block(this.user().id);
      return `${this.user().displayName} is blocked.`;
    });
  }

  protected unblock(): Promise<void> {
    return this.run('unblock', async () => {
      await this.store.unblock(this.user().id);
      return `${this.user().displayName} is unblocked.`;
    });
  }

  protected askToConfirm(action: Confirmable): void {
    this.error.set(null);
    this.lastNotice.set(null);
    this.confirming.set(action);
  }

  protected cancelConfirmation(): void {
    this.confirming.set(null);
  }

  /** Runs one action at a time; says what happened, or what went wrong. */
  private async run(action: Action, work: () => Promise<string | null>): Promise<void> {
    if (this.busy()) return;
    this.busy.set(action);
    this.error.set(null);
    this.lastNotice.set(null);
    try {
      const text = await work();
      this.lastNotice.set(text === null ? null : { text, relation: this.relation().kind });
      this.confirming.set(null);
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    } finally {
      this.busy.set(null);
    }
  }
}
