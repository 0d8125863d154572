import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { RouterLink } from '@angular/router';
import { MessageKind, RoomKind, RoomRole, attachmentsPreview } from '@parley/contracts';
import { FriendsStore } from '../../friends/friends-store';
import { formMessage, toApiError } from '../../core/api-error';
import { ChatActions } from '../chat-actions';
import { ChatMessage } from '../chat-message';
import { ChatStore } from '../chat-store';
import { Composer, ComposerEdit, ComposerReply } from '../composer/composer';
import { toPlainText } from '../message-body/render-markdown';
import { ListRow, MessageAction, ReplyQuote } from '../message-item/message-item';
import { MessageList } from '../message-list/message-list';
import { PageVisibility } from '../page-visibility';
import { typingSentence } from '../people-store';
import { RoomHeader } from '../room-header/room-header';
import { systemLineText } from '../system-line/system-line';
import { buildTimeline } from '../timeline';
import { UploadTray } from '../files/upload-tray/upload-tray';
import { Uploads } from '../files/uploads';
import { seenText } from './seen-text';
import { StableRows } from './stable-rows';
import { IdentityWarnings } from '../../e2ee/identity-warnings/identity-warnings';
import { CalendarDialogs } from '../../calendar/calendar-dialogs';

const QUOTE_MAX = 200;

/** One conversation (route `r/:roomId`): header, the virtually scrolled messages, who is typing, the composer. */
@Component({
  selector: 'app-room-page',
  imports: [RoomHeader, MessageList, Composer, RouterLink, UploadTray, IdentityWarnings],
  templateUrl: './room-page.html',
  styleUrl: './room-page.css',
  host: {
    '(dragenter)': 'dragOver($event)',
    '(dragover)': 'dragOver($event)',
    '(dragleave)': 'dragLeave($event)',
    '(drop)': 'drop($event)',
    '(document:dragover)': 'keepFilesInPage($event)',
    '(document:drop)': 'keepFilesInPage($event)',
  },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RoomPage {
  private readonly store = inject(ChatStore);
  private readonly actions = inject(ChatActions);
  private readonly visibility = inject(PageVisibility);
  private readonly friends = inject(FriendsStore);
  private readonly uploads = inject(Uploads);
  private readonly calendarDialogs = inject(CalendarDialogs);
  private readonly list = viewChild(MessageList);
  /** This room (of the route) has been opened: its line is placed and its messages asked for. */
  private opened = false;

  /** From the route. */
  readonly roomId = input.required<string>();
  /** From the route's query (`?at=<seq>`): open the conversation at this message (a search result). */
  readonly at = input<string | undefined>(undefined);
  protected readonly atSeq = computed(() => {
    const seq = Number(this.at());
    return Number.isSafeInteger(seq) && seq > 0 ? seq : null;
  });
  /** The `at` already acted on in this room. */
  private jumpedTo: number | null = null;

  protected readonly room = computed(() => this.store.room(this.roomId()));
  /**
   * The room's members, for the encrypted room's identity warnings: the same list while the same people are in
   * it (the warnings read every member's identity in the crypto store again when it changes).
   */
  protected readonly memberIds = computed(() => (this.store.members(this.roomId()) ?? []).map((m) => m.user.id), {
    equal: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });
  protected readonly timeline = computed(() => this.store.timeline(this.roomId()));
  protected readonly roomsState = this.store.roomsState;
  protected readonly offline = computed(() => this.store.connection() !== 'online');
  protected readonly connecting = computed(() => this.store.connection() === 'connecting');
  protected readonly direct = computed(() => this.room()?.kind === RoomKind.Direct);
  protected readonly moderator = computed(() => {
    const role = this.room()?.myRole;
    return role === RoomRole.Owner || role === RoomRole.Admin;
  });
  protected readonly archived = computed(() => (this.room()?.archivedAt ?? null) !== null);
  /** One list per room: switching rooms starts a fresh list (scroll position, measurements). */
  protected readonly listKeys = computed(() => [this.roomId()]);

  /** Files are being dragged over the conversation: the drop zone shows. */
  protected readonly dropping = signal(false);
  /** The next message has files in the tray. */
  protected readonly hasFiles = computed(() =>
    this.uploads.inRoom(this.roomId())().some((u) => u.sendId === null && (u.status !== 'failed' || u.retryable)),
  );

  protected readonly replyTo = signal<ComposerReply | null>(null);
  protected readonly editing = signal<ComposerEdit | null>(null);
  protected readonly actionError = signal<string | null>(null);

  /**
   * My read position when the room was opened with unread messages (or when messages came in while I was
   * not looking): the "New messages" line sits after it until the room is closed. Null: no line.
   */
  protected readonly unreadAfter = signal<number | null>(null);
  /** The newest message the list has in view. */
  private readonly seenSeq = signal(0);
  protected readonly unreadCount = computed(() => this.room()?.unreadCount ?? 0);

  protected readonly typingText = computed(() => typingSentence(this.store.people.typingNames(this.roomId())));
  protected readonly placeholder = computed(() => {
    const room = this.room();
    if (!room) return 'Write a message';
    return room.kind === RoomKind.Public ? `Message #${room.name}` : `Message ${room.name}`;
  });
  protected readonly disabledReason = computed(() => (this.archived() ? 'This room is archived: nobody can send messages here.' : null));

  /** The rows of the last build: unchanged rows keep their objects (see StableRows). */
  private readonly stableRows = new StableRows();

  protected readonly rows = computed<ListRow[]>(() => {
    const roomId = this.roomId();
    const messages = this.store.messages(roomId)();
    const me = this.store.userId;
    const byId = new Map(messages.map((m) => [m.id, m]));
    // "Seen by" goes under my latest message (a system line I caused, "You added Bob", is not one).
    const lastMine = [...messages].reverse().find((m) => m.senderId === me && m.kind === MessageKind.User && m.state === 'sent' && m.deletedAt === null);
    const room = this.room();
    const seen = lastMine && room ? seenText(this.store.seenBy(roomId, lastMine.seq), room.memberCount, room.kind === RoomKind.Direct) : null;
    const fromBeginning = !(this.timeline()?.hasOlder ?? false);
    const blocked = this.friends.blockedIds();
    // Messages from people I blocked are collapsed in group and public rooms (a direct room with them is mine to open).
    const collapsed = room && room.kind !== RoomKind.Direct ? blocked : null;
    const people = this.store.people;
    const rows = buildTimeline(messages, me, { fromBeginning, unreadAfter: this.unreadAfter(), blocked }).map((row): ListRow =>
      row.kind === 'system'
        ? { ...row, text: row.message.event ? systemLineText(row.message.event, me, (id) => people.knownName(id)) : '' }
        : row.kind !== 'message'
        ? row
        : {
            ...row,
            senderName: row.mine ? 'You' : people.nameOf(row.message.senderId),
            sender: people.userOf(row.message.senderId) ?? null,
            blocked: !row.mine && (collapsed?.has(row.message.senderId) ?? false),
            reply: row.message.replyToId ? this.quote(row.message.replyToId, byId) : null,
            seen: row.message === lastMine ? seen : null,
          },
    );
    return this.stableRows.keep(rows);
  });

  constructor() {
    // A new room: forget the reply/edit of the previous one.
    effect(() => {
      this.roomId();
      untracked(() => {
        this.replyTo.set(null);
        this.editing.set(null);
        this.actionError.set(null);
        this.unreadAfter.set(null);
        this.seenSeq.set(0);
        this.stableRows.clear();
        this.opened = false;
        this.jumpedTo = null;
      });
    });
    // Once the room is known to be mine: where the "New messages" line goes, then load what is not held yet.
    effect(() => {
      const id = this.roomId();
      const room = this.room();
      if (!room || this.opened) return;
      untracked(() => {
        this.opened = true;
        this.unreadAfter.set(room.unreadCount > 0 ? room.lastReadSeq : null);
        this.jumpedTo = this.atSeq();
        this.store.openRoom(id, this.jumpedTo);
      });
    });
    // Another search result in the room already open: its page, when it is not held.
    effect(() => {
      const seq = this.atSeq();
      if (seq === null || !this.opened || seq === this.jumpedTo) return;
      untracked(() => {
        this.jumpedTo = seq;
        this.store.openRoom(this.roomId(), seq);
      });
    });
    // Messages arriving while I am not looking get the line too (it stays where the first of them is).
    effect(() => {
      const room = this.room();
      if (room && room.unreadCount > 0 && !this.visibility.reading() && untracked(this.unreadAfter) === null) {
        untracked(() => this.unreadAfter.set(room.lastReadSeq));
      }
    });
    // What has been on screen while I was looking is read: the marker moves over it, and no further.
    effect(() => {
      const seq = this.seenSeq();
      const room = this.room();
      if (!room || seq === 0 || !this.visibility.reading() || this.timeline()?.status !== 'ready') return;
      if (seq > room.lastReadSeq) untracked(() => this.store.markSeen(room.id, seq));
    });
  }

  protected seen(seq: number): void {
    this.seenSeq.set(seq);
  }

  protected loadNewer(): void {
    void this.store.loadNewer(this.roomId());
  }

  protected loadLatest(): void {
    void this.store.loadLatest(this.roomId());
  }

  protected loadFirstUnread(): void {
    const after = this.unreadAfter();
    if (after !== null) void this.store.loadFirstUnread(this.roomId(), after);
  }

  protected send(body: string): void {
    if (!this.uploads.send(this.roomId(), body, this.replyTo()?.id ?? null)) return;
    this.replyTo.set(null);
    // My own message always brings the conversation to the bottom.
    setTimeout(() => this.list()?.scrollToBottom());
  }

  protected attach(files: File[]): void {
    // In an encrypted room the upload queue encrypts each file in the browser first.
    if (this.archived()) return;
    this.uploads.add(this.roomId(), files);
  }

  protected dragOver(event: DragEvent): void {
    if (!(event.dataTransfer?.types ?? []).includes('Files') || !this.room() || this.archived()) return;
    // Taking the drag over is what lets the drop happen here (instead of the browser opening the file).
    event.preventDefault();
    event.dataTransfer!.dropEffect = 'copy';
    this.dropping.set(true);
  }

  protected dragLeave(event: DragEvent): void {
    const host = event.currentTarget as HTMLElement;
    // Leaving for a child is not leaving: only out of the page (or out of the window) ends the drag here.
    if (!event.relatedTarget || !host.contains(event.relatedTarget as Node)) this.dropping.set(false);
  }

  protected drop(event: DragEvent): void {
    if (!this.dropping()) return;
    event.preventDefault();
    this.dropping.set(false);
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length) this.attach(files);
  }

  /** Files dropped beside the conversation (on the room list) are not opened by the browser in place of Parley. */
  protected keepFilesInPage(event: DragEvent): void {
    if (!(event.dataTransfer?.types ?? []).includes('Files')) return;
    event.preventDefault();
    if (event.type === 'drop') this.dropping.set(false);
  }

  protected async saveEdit(edit: ComposerEdit): Promise<void> {
    this.editing.set(null);
    await this.run(() => this.store.edit(edit.id, edit.body));
  }

  protected handle(action: MessageAction): void {
    const message = action.message;
    this.actionError.set(null);
    switch (action.kind) {
      case 'reply':
        this.editing.set(null);
        this.replyTo.set({ id: message.id, senderName: this.senderName(message), text: this.plain(message) });
        break;
      case 'edit':
        this.replyTo.set(null);
        this.editing.set({ id: message.id, body: message.body });
        break;
      case 'delete':
        if (this.editing()?.id === message.id) this.editing.set(null);
        void this.run(() => this.store.remove(message.id));
        break;
      case 'retry':
        this.store.retry(message.clientMsgId);
        break;
      case 'discard':
        this.store.discard(message.clientMsgId);
        break;
      case 'quote':
        if (message.replyToId) this.list()?.scrollToMessage(message.replyToId);
        break;
    }
  }

  protected loadOlder(): void {
    void this.store.loadOlder(this.roomId());
  }

  protected reloadMessages(): void {
    void this.store.loadFirstPage(this.roomId());
  }

  protected openSettings(): void {
    void this.actions.roomSettings(this.roomId());
  }

  protected openFiles(): void {
    void this.actions.roomFiles(this.roomId());
  }

  protected openCalendar(): void {
    void this.calendarDialogs.roomEvents(this.roomId());
  }

  protected typing(): void {
    this.store.typing(this.roomId());
  }

  private quote(id: string, byId: Map<string, ChatMessage>): ReplyQuote {
    const original = byId.get(id);
    if (!original) return { id, senderName: 'Reply', text: '', state: 'not-loaded' };
    const senderName = this.senderName(original);
    if (original.deletedAt) return { id, senderName, text: '', state: 'deleted' };
    return { id, senderName, text: this.plain(original), state: 'shown' };
  }

  private senderName(message: ChatMessage): string {
    return message.senderId === this.store.userId ? 'You' : this.store.people.nameOf(message.senderId);
  }

  /** A message as one line of text: its words, or what its files are ("📷 Photo"). */
  private plain(message: ChatMessage): string {
    const text = toPlainText(message.body) || attachmentsPreview(message.attachments);
    return text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX - 1)}…` : text;
  }

  private async run(task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (err) {
      this.actionError.set(formMessage(toApiError(err)));
    }
  }
}
