import { E2eePrompts } from '../../e2ee/e2ee-prompts';
import { Recovery } from '../../e2ee/recovery';
import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, computed, inject, input, output, signal, viewChild } from '@angular/core';
import { PublicUser } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { UsersApi } from '../../core/users-api';
import { UserCards } from '../../friends/user-card/user-cards';
import { Avatar } from '../../shared/avatar';
import { ChatMessage } from '../chat-message';
import { MessageAttachments } from '../files/message-attachments/message-attachments';
import { MessageBody } from '../message-body/message-body';
import { SystemLineRow } from '../system-line/system-line';
import { DayRow, MessageRow, UnreadRow } from '../timeline';
import { LocalTimePipe } from '../../shared/local-time-pipe';

/** The message a reply answers, as its quote shows it. */
export interface ReplyQuote {
  id: string;
  senderName: string;
  /** Plain text; empty when the message is not loaded or was deleted. */
  text: string;
  state: 'shown' | 'deleted' | 'not-loaded';
}

/** A timeline row with what the conversation shows around the message. */
export interface ConversationRow extends MessageRow {
  senderName: string;
  /** The sender's public profile (picture, profile card) when the chat knows it; null until then. */
  sender: PublicUser | null;
  /** From someone I blocked (in a group or public room): collapsed until shown. */
  blocked: boolean;
  reply: ReplyQuote | null;
  /** "Seen by …" under my latest message; null elsewhere. */
  seen: string | null;
}

export type ListRow = DayRow | UnreadRow | ConversationRow | SystemLineRow;

export type MessageActionKind = 'reply' | 'edit' | 'delete' | 'retry' | 'discard' | 'quote';

export interface MessageAction {
  kind: MessageActionKind;
  message: ChatMessage;
}

/** How long a finger must rest on a message to open its actions (touch screens have no hover). */
const LONG_PRESS_MS = 450;

/**
 * One message: the bubble (mine on the right), its sender on the first of a group, the quote it replies to,
 * "(edited)", the time and my delivery state; Reply / Edit / Delete on hover, focus or a long press.
 */
@Component({
  selector: 'app-message-item',
  imports: [Avatar, MessageBody, MessageAttachments, LocalTimePipe],
  templateUrl: './message-item.html',
  styleUrl: './message-item.css',
  host: {
    '[class.mine]': 'row().mine',
    '[class.first]': 'row().first',
    '[class.last]': 'row().last',
    '[class.selected]': 'selected()',
    '[class.highlighted]': 'highlighted()',
    '[attr.data-state]': 'message().state',
    '(contextmenu)': 'openActionsByTouch($event)',
    '(pointerdown)': 'startLongPress($event)',
    '(pointerup)': 'cancelLongPress()',
    '(pointercancel)': 'cancelLongPress()',
    '(pointerleave)': 'cancelLongPress()',
    '(focusout)': 'closeActionsOnFocusLoss($event)',
    '(keydown.escape)': 'closeActions()',
  },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageItem {
  readonly row = input.required<ConversationRow>();
  /** Direct rooms show no sender names (there are only two people). */
  readonly direct = input(false);
  /** The room's owner and admins may delete anyone's message. */
  readonly moderator = input(false);
  /** Waiting for the connection rather than for the server. */
  readonly offline = input(false);
  readonly highlighted = input(false);
  readonly archived = input(false);

  readonly action = output<MessageAction>();

  protected readonly selected = signal(false);
  protected readonly confirmingDelete = signal(false);
  protected readonly busy = signal(false);

  protected readonly message = computed(() => this.row().message);
  protected readonly deleted = computed(() => this.message().deletedAt !== null);
  protected readonly hasFiles = computed(() => this.message().attachments.length > 0);
  protected readonly unverifiedSender = computed(() => {
    const view = this.message().e2ee;
    return view?.state === 'decrypted' && view.trust.shield !== 'none';
  });
  /** The blocked sender's message the viewer chose to see (by id: list rows are reused for other messages). */
  private readonly revealedId = signal<string | null>(null);
  protected readonly collapsed = computed(() => this.row().blocked && !this.deleted() && this.revealedId() !== this.message().id);
  protected readonly sent = computed(() => this.message().state === 'sent');
  protected readonly canReply = computed(() => this.sent() && !this.deleted() && !this.archived());
  protected readonly canEdit = computed(() => this.canReply() && this.row().mine);
  protected readonly canDelete = computed(() => this.sent() && !this.deleted() && !this.archived() && (this.row().mine || this.moderator()));
  protected readonly hasActions = computed(() => !this.collapsed() && (this.canReply() || this.canDelete()));
  protected readonly stateLabel = computed(() => {
    switch (this.message().state) {
      case 'sending':
        return this.offline() ? 'Waiting for connection' : 'Sending';
      case 'failed':
        return 'Not sent';
      default:
        return 'Sent';
    }
  });

  private readonly recovery = inject(Recovery);
  private readonly prompts = inject(E2eePrompts);
  /** This browser has not been given the recovery key: earlier messages wait for it. */
  protected readonly needsRestore = computed(() => this.recovery.state() === 'restore');
  private readonly injector = inject(Injector);
  private readonly userCards = inject(UserCards);
  private readonly usersApi = inject(UsersApi);
  private readonly confirmButton = viewChild<ElementRef<HTMLButtonElement>>('confirmButton');
  private pressTimer: ReturnType<typeof setTimeout> | null = null;
  private lastPointer = '';

  protected restoreKeys(): void {
    this.prompts.restore();
  }

  protected reveal(): void {
    this.revealedId.set(this.message().id);
  }

  /** The sender's profile card (looked up first when the chat does not know them yet). */
  protected async openSender(): Promise<void> {
    const senderId = this.message().senderId;
    try {
      const user = this.row().sender ?? (await firstValueFrom(this.usersApi.get(senderId)));
      await this.userCards.open(user);
    } catch {
      // Not found (a deleted account) or offline: nothing to show.
    }
  }

  protected emit(kind: MessageActionKind): void {
    this.closeActions();
    this.action.emit({ kind, message: this.message() });
  }

  protected askDelete(): void {
    this.confirmingDelete.set(true);
    // The toolbar (and its focused button) is replaced by the question: keep the keyboard focus in it.
    afterNextRender(() => this.confirmButton()?.nativeElement.focus(), { injector: this.injector });
  }

  protected confirmDelete(): void {
    this.confirmingDelete.set(false);
    this.emit('delete');
  }

  protected closeActions(): void {
    this.selected.set(false);
    this.confirmingDelete.set(false);
  }

  protected openActionsByTouch(event: MouseEvent): void {
    if (!this.hasActions()) return;
    // A long press on touch screens fires contextmenu: show our actions instead of the browser's menu.
    if (this.lastPointer === 'touch') {
      event.preventDefault();
      this.selected.set(true);
    }
  }

  protected startLongPress(event: PointerEvent): void {
    this.lastPointer = event.pointerType;
    if (event.pointerType !== 'touch' || !this.hasActions()) return;
    this.cancelLongPress();
    this.pressTimer = setTimeout(() => {
      this.pressTimer = null;
      this.selected.set(true);
    }, LONG_PRESS_MS);
  }

  protected cancelLongPress(): void {
    if (this.pressTimer) clearTimeout(this.pressTimer);
    this.pressTimer = null;
  }

  protected closeActionsOnFocusLoss(event: FocusEvent): void {
    const host = event.currentTarget as HTMLElement;
    // Decided a moment later: a button being swapped for another (Delete → "Delete this message?") moves focus too.
    setTimeout(() => {
      if (!host.contains(document.activeElement)) this.closeActions();
    });
  }
}
