import { Injectable, Signal, computed, inject, signal } from '@angular/core';
import {
  Attachment,
  attachmentsPreview,
  EncryptedAttachment,
  EncryptedMessageContent,
  Message,
  MessageDeletedEvent,
  MessageKind,
  PublicUser,
  RoomKind,
  RoomMember,
  RoomSummary,
  RoomUpdatedEvent,
  SyncPayload,
  SyncResult,
} from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { MessagesApi } from '../core/messages-api';
import { Realtime, SyncTarget } from '../core/realtime';
import { RoomsApi } from '../core/rooms-api';
import { ChatMessage, sentMessage, tombstone } from './chat-message';
import { DecryptedMessages, DecryptedView } from '../e2ee/decrypted-messages';
import { E2ee } from '../e2ee/e2ee';
import { carriedBy } from '../e2ee/sealed-files/sealed-attachment';
import { shownOf } from './files/shown-attachment';
import { MembersStore } from './members-store';
import { MessageNotifier } from './message-notifier';
import { toPlainText } from './message-body/render-markdown';
import { OutboxEntry, pendingMessage } from './outbox';
import { OutboxQueue } from './outbox-queue';
import { PeopleStore } from './people-store';
import { ReadMarkers } from './read-markers';
import { applyDeletion, applyMessage, applyMyRead, applyProfile, compareRooms } from './room-summaries';
import { RoomTimeline, holdsFirstUnread, holdsSeq } from './room-timeline';
import { Cursor, RoomTimelines } from './room-timelines';
import { BlockedIds, NO_ONE_BLOCKED, countsAsUnread } from './unread';

export type { RoomTimeline } from './room-timeline';

/** How many encrypted rooms' last messages are fetched and decrypted for the room list at start. */
const ENCRYPTED_PREVIEWS_MAX = 20;
/** How long an arriving encrypted message may wait for its decryption before it is shown as "Decrypting…". */
const DECRYPT_WAIT_MS = 300;

/** A message applied to the room list, with the copy of it the room's timeline held before (if any). */
interface Arrival {
  message: Message;
  previous: Message | undefined;
}

/**
 * The chat's state: my rooms (kept fresh by socket events), the messages of the rooms I opened, members
 * and their read positions, and the outbox of messages on their way. The socket connection calls in as
 * its SyncTarget to catch up after every (re)connect.
 */
@Injectable({ providedIn: 'root' })
export class ChatStore implements SyncTarget {
  private readonly realtime = inject(Realtime);
  private readonly roomsApi = inject(RoomsApi);
  private readonly messagesApi = inject(MessagesApi);
  private readonly outboxQueue = inject(OutboxQueue);
  private readonly membersStore = inject(MembersStore);
  private readonly notifier = inject(MessageNotifier);
  private readonly readMarkers = inject(ReadMarkers);
  private readonly timelines = inject(RoomTimelines);
  private readonly e2ee = inject(E2ee);
  readonly decrypted = inject(DecryptedMessages);
  /** What my encrypted messages on their way say, by clientMsgId (until the server's copy arrives). */
  private readonly sentContents = new Map<string, EncryptedMessageContent>();
  readonly people = inject(PeopleStore);

  private me: string | null = null;
  private readonly roomsById = signal<Readonly<Record<string, RoomSummary>>>({});
  private readonly roomsStatus = signal<'idle' | 'loading' | 'ready' | 'error'>('idle');
  private readonly views = new Map<string, Signal<ChatMessage[]>>();
  /**
   * How the conversation shows each held message (and each of mine on its way), kept while the message and its
   * decryption stay the same: a view built again hands out the same objects, so only what changed is redrawn.
   */
  private readonly shownMessages = new WeakMap<Message, { view: DecryptedView | null; message: ChatMessage }>();
  private readonly shownPending = new WeakMap<OutboxEntry, { me: string; message: ChatMessage }>();
  /** Where the people I blocked come from (the friends store, which knows them, connects its list). */
  private readonly blockedSource = signal<Signal<BlockedIds>>(signal(NO_ONE_BLOCKED));

  private roomsLoad: Promise<void> | null = null;
  /** Where each room stood when the connection dropped: the sync after reconnecting starts there. */
  private cursorsAtDisconnect: Record<string, Cursor> | null = null;
  private roomsRefresh: ReturnType<typeof setTimeout> | null = null;
  /** Rooms joined or left by event, so that a room list fetched before the event does not undo it. */
  private readonly membershipChanges = new Map<string, { joined: boolean; at: number }>();
  private membershipClock = 0;
  /** Per room, the live events held back behind an encrypted message being decrypted (see `inOrder`). */
  private readonly liveQueues = new Map<string, Promise<void>>();
  /** For each room list on its way, the messages applied meanwhile (with the copy each one replaced). */
  private readonly arrivalsDuringLoads = new Set<Arrival[]>();

  /** My rooms, most recent activity first. */
  readonly rooms = computed(() => Object.values(this.roomsById()).sort(compareRooms));
  readonly roomsState = this.roomsStatus.asReadonly();
  readonly totalUnread = computed(() => this.rooms().reduce((n, r) => n + r.unreadCount, 0));
  readonly connection = this.realtime.status;
  readonly outbox = this.outboxQueue.entries;
  /** The people I blocked: their messages are not counted, previewed or notified. */
  readonly blocked = computed(() => this.blockedSource()());

  constructor() {
    const r = this.realtime;
    r.on('message:new', (m) => this.inOrder(m.roomId, () => this.receive(m), this.decryptedOrLate(m)));
    r.on('message:updated', (m) => this.inOrder(m.roomId, () => this.ingest([m]), this.decryptedOrLate(m)));
    r.on('message:deleted', (e) => this.inOrder(e.roomId, () => this.messageDeleted(e)));
    r.on('receipt', (e) => this.receipt(e.roomId, e.userId, e.seq));
    r.on('room:joined', ({ room }) => this.upsertRoom(room));
    r.on('room:left', (e) => {
      if (e.userId === this.me) this.dropRoom(e.roomId);
    });
    r.on('room:updated', (e) => this.roomUpdated(e));
    r.on('member:role', ({ roomId, userId, role }) => {
      if (userId === this.me) this.patchRoom(roomId, (room) => ({ ...room, myRole: role }));
    });
    r.on('user:updated', ({ user }) => this.profileChanged(user));
    this.outboxQueue.onDelivered = (message) => {
      // My own encrypted message: its content is known here, no need to decrypt it again.
      const content = this.sentContents.get(message.clientMsgId);
      this.sentContents.delete(message.clientMsgId);
      if (content && message.encrypted) this.decrypted.sent(message, content);
      this.ingest([message]);
    };
    this.outboxQueue.showsWhenPrepared = (entry) => !!this.roomsById()[entry.roomId]?.encrypted;
    this.outboxQueue.prepare = async (entry) => {
      if (!this.roomsById()[entry.roomId]?.encrypted) return { body: entry.body };
      const replyPreview = entry.replyToId ? this.quotedText(entry.roomId, entry.replyToId) : undefined;
      const content = { body: entry.body, attachments: entry.files, ...(replyPreview ? { replyPreview } : {}) };
      const encrypted = await this.e2ee.encrypt(entry.roomId, content);
      this.sentContents.set(entry.clientMsgId, content);
      return { body: '', encrypted };
    };
    this.readMarkers.onConfirmed = (roomId, lastReadSeq) => this.receipt(roomId, this.me ?? '', lastReadSeq);
    this.timelines.roomLastSeq = (roomId) => this.roomsById()[roomId]?.lastSeq ?? 0;
    this.timelines.onPage = (messages) => this.ingest(messages);
    r.attach(this);
  }

  // ---- reading state ----

  room(roomId: string): RoomSummary | null {
    return this.roomsById()[roomId] ?? null;
  }

  timeline(roomId: string): RoomTimeline | null {
    return this.timelines.get(roomId);
  }

  members(roomId: string): RoomMember[] | null {
    return this.membersStore.of(roomId);
  }

  /** The conversation of a room: the server's messages, then mine still on their way (a cached signal per room). */
  messages(roomId: string): Signal<ChatMessage[]> {
    let view = this.views.get(roomId);
    if (!view) {
      view = computed(() => {
        const held = this.timelines.all()[roomId]?.items ?? [];
        const sent = held.map((m) => this.shown(m));
        const me = this.me;
        if (!me) return sent;
        const delivered = new Set(held.filter((m) => m.senderId === me).map((m) => m.clientMsgId));
        const pending = this.outbox()
          .filter((e) => e.roomId === roomId && !delivered.has(e.clientMsgId))
          .map((e) => this.shownWhilePending(e, me));
        return pending.length ? [...sent, ...pending] : sent;
      });
      this.views.set(roomId, view);
    }
    return view;
  }

  /** A held message as the conversation shows it (the same object while nothing about it changed). */
  private shown(held: Message): ChatMessage {
    const view = held.encrypted && !held.deletedAt ? this.decrypted.view(held) : null;
    const known = this.shownMessages.get(held);
    if (known && known.view === view) return known.message;
    const message = this.readable(sentMessage(held), view);
    this.shownMessages.set(held, { view, message });
    return message;
  }

  private shownWhilePending(entry: OutboxEntry, me: string): ChatMessage {
    const known = this.shownPending.get(entry);
    if (known && known.me === me) return known.message;
    const message = pendingMessage(entry, me);
    this.shownPending.set(entry, { me, message });
    return message;
  }

  /** An encrypted message as the conversation shows it: its decrypted text, or where its decryption is. */
  private readable(message: ChatMessage, view: DecryptedView | null): ChatMessage {
    if (!view) return message;
    if (view.state !== 'decrypted') return { ...message, e2ee: view };
    // Its files as the sender described them, limited to the uploads the server says the message carries.
    const files = carriedBy(view.content.attachments, message.attachments.map((a) => a.id)).map(shownOf);
    return { ...message, body: view.content.body, attachments: files, e2ee: view };
  }

  /** Everyone but me who has read up to the seq (for "Seen by"). */
  seenBy(roomId: string, seq: number): RoomMember[] {
    return this.membersStore.seenBy(roomId, seq);
  }

  get userId(): string | null {
    return this.me;
  }

  /** The friends store hands over the people I blocked (it depends on this store, so it connects itself). */
  connectBlocked(ids: Signal<BlockedIds>): void {
    this.blockedSource.set(ids);
  }

  // ---- SyncTarget ----

  sessionChanged(userId: string | null): void {
    this.me = userId;
    this.roomsById.set({});
    this.roomsStatus.set('idle');
    this.timelines.reset();
    this.membersStore.reset(userId);
    this.views.clear();
    this.liveQueues.clear();
    this.decrypted.reset();
    this.readMarkers.reset();
    this.membershipChanges.clear();
    this.cursorsAtDisconnect = null;
    this.roomsLoad = null;
    this.people.reset(userId);
    this.outboxQueue.reset(userId);
    if (userId) void this.loadRooms().catch(() => undefined);
  }

  async syncCursors(reconnect: boolean): Promise<SyncPayload> {
    // What this client holds right now, before anything that arrives on the new connection moves it.
    const held: Record<string, Cursor> = { ...this.timelines.cursors(), ...(this.cursorsAtDisconnect ?? {}) };
    if (reconnect || !this.roomsLoad) await this.loadRooms();
    else await this.roomsLoad;
    const since: Record<string, number> = {};
    const revs: Record<string, number> = {};
    for (const room of Object.values(this.roomsById())) {
      const cursor = held[room.id] ?? { seq: room.lastSeq, rev: room.lastRev };
      since[room.id] = cursor.seq;
      revs[room.id] = cursor.rev;
    }
    return { since, revs };
  }

  applySync(result: SyncResult): void {
    for (const roomId of result.removed) this.dropRoom(roomId);
    const messages = result.rooms.flatMap((r) => r.messages);
    this.ingest(messages);
  }

  missedRooms(roomIds: string[]): void {
    if (roomIds.some((id) => !this.roomsById()[id])) void this.loadRooms().catch(() => undefined);
  }

  synced(): void {
    this.cursorsAtDisconnect = null;
    this.readMarkers.resend();
    this.outboxQueue.setReady(true);
    const peers = this.rooms().flatMap((r) => (r.peer ? [r.peer.id] : []));
    const members = this.membersStore.userIds();
    void this.people.queryPresence([...peers, ...members].filter((id) => id !== this.me));
  }

  disconnected(): void {
    this.outboxQueue.setReady(false);
    this.cursorsAtDisconnect ??= this.timelines.cursors();
  }

  // ---- rooms ----

  /** Loads (or reloads) my rooms. Concurrent callers share one request. */
  loadRooms(): Promise<void> {
    const me = this.me;
    const since = this.membershipClock;
    if (this.roomsStatus() !== 'ready') this.roomsStatus.set('loading');
    const arrivals: Arrival[] = [];
    this.arrivalsDuringLoads.add(arrivals);
    const load = firstValueFrom(this.roomsApi.list()).finally(() => this.arrivalsDuringLoads.delete(arrivals)).then(
      (list) => {
        if (this.me !== me) return;
        const byId: Record<string, RoomSummary> = {};
        for (const room of list) byId[room.id] = room;
        // Joins and leaves heard while the list was on its way are newer than the list.
        for (const [roomId, change] of this.membershipChanges) {
          if (change.at <= since) continue;
          if (change.joined && this.roomsById()[roomId]) byId[roomId] ??= this.roomsById()[roomId]!;
          if (!change.joined) delete byId[roomId];
        }
        // So are messages that arrived meanwhile: applied on top of the server's summary, whose count may have
        // changed for reasons this client cannot count itself (an unblock makes someone's earlier messages count
        // again). Where something else moved the room on (a deletion of a message this client did not hold),
        // the room as it stands here is kept.
        for (const [roomId, room] of Object.entries(byId)) {
          const current = this.roomsById()[roomId];
          if (!current || current.lastRev <= room.lastRev) continue;
          let replayed = room;
          for (const { message, previous } of arrivals) if (message.roomId === roomId) replayed = this.summarise(replayed, message, previous);
          byId[roomId] = replayed.lastRev >= current.lastRev ? replayed : current;
        }
        // Reads this client made that the server has not confirmed yet still count.
        for (const [roomId, seq] of this.readMarkers.pending()) {
          if (byId[roomId]) byId[roomId] = applyMyRead(byId[roomId], seq, me ?? '', this.timelines.held(roomId), this.blocked());
        }
        this.roomsById.set(byId);
        this.startEncryptionIfUsed(list);
        this.timelines.keepOnly((id) => id in byId);
        this.rememberRoomNames(list);
        this.roomsStatus.set('ready');
      },
      (err: unknown) => {
        if (this.me === me && this.roomsStatus() !== 'ready') this.roomsStatus.set('error');
        throw err;
      },
    );
    this.roomsLoad = load;
    return load;
  }

  /** Resolves once the room list has been asked for (loaded or failed): never throws. */
  async whenRoomsLoaded(): Promise<void> {
    if (!this.roomsLoad && this.me) void this.loadRooms().catch(() => undefined);
    await this.roomsLoad?.catch(() => undefined);
  }

  /** A room I joined or created (from a dialog, or the server's room:joined). */
  upsertRoom(room: RoomSummary): void {
    const current = this.roomsById()[room.id];
    // The newer of the two wins: an event may have moved the list past a dialog's answer.
    if (current && current.lastRev > room.lastRev) return;
    this.roomsById.update((all) => ({ ...all, [room.id]: room }));
    this.startEncryptionIfUsed([room]);
    this.membershipChanged(room.id, true);
    this.rememberRoomNames([room]);
    if (room.peer && this.realtime.online()) void this.people.queryPresence([room.peer.id]);
  }

  // ---- opening a room ----

  /**
   * The room is on screen: load its messages if this client holds none yet, or if what it holds does not
   * include my first unread message (the latest page, or the page around that message in a long backlog).
   * With `atSeq` (a search result), the page around that message when it is not held.
   */
  openRoom(roomId: string, atSeq: number | null = null): void {
    const timeline = this.timelines.get(roomId);
    const room = this.roomsById()[roomId] ?? null;
    if (atSeq !== null) {
      // Opened at one message (a search result): the page around it, unless it is held already.
      if (!timeline || !holdsSeq(timeline, atSeq)) void this.timelines.loadAround(roomId, room, atSeq);
    } else if (!timeline || timeline.status === 'error') void this.timelines.loadFirstPage(roomId, room);
    else if (room && room.unreadCount > 0 && timeline.status === 'ready' && !holdsFirstUnread(timeline, room.lastReadSeq)) {
      void this.timelines.loadFirstUnread(roomId, room.lastReadSeq);
    }
    if (!this.membersStore.of(roomId)) void this.membersStore.load(roomId);
  }

  /** Starts the room afresh ("Try again" after a failed load). */
  loadFirstPage(roomId: string): Promise<void> {
    return this.timelines.loadFirstPage(roomId, this.roomsById()[roomId] ?? null);
  }

  /** The latest page in place of what is held (the "jump down" when newer pages are missing). */
  loadLatest(roomId: string): Promise<void> {
    return this.timelines.loadLatest(roomId);
  }

  /** The page around the first message after `readSeq`, in place of what is held ("Jump to first unread"). */
  loadFirstUnread(roomId: string, readSeq: number): Promise<void> {
    return this.timelines.loadFirstUnread(roomId, readSeq);
  }

  loadOlder(roomId: string): Promise<void> {
    return this.timelines.loadOlder(roomId);
  }

  loadNewer(roomId: string): Promise<void> {
    return this.timelines.loadNewer(roomId);
  }

  // ---- sending ----

  /** Queues a message (with files already uploaded); it goes at once when connected, otherwise after the next reconnect. */
  /** Queues a message with its files: the server's, or (in an encrypted room) those encrypted in this browser. */
  send(roomId: string, body: string, replyToId: string | null = null, attachments: readonly Attachment[] = [], files: readonly EncryptedAttachment[] = []): void {
    this.outboxQueue.add(roomId, body, replyToId, attachments, files);
  }

  retry(clientMsgId: string): void {
    this.outboxQueue.retry(clientMsgId);
  }

  discard(clientMsgId: string): void {
    this.outboxQueue.discard(clientMsgId);
  }

  /** Edits one of my messages. Throws the API's error for the caller to show. */
  async edit(messageId: string, body: string): Promise<void> {
    const held = Object.values(this.timelines.all()).flatMap((t) => t.items).find((m) => m.id === messageId);
    if (held?.encrypted) {
      const before = this.decrypted.decryptedById(messageId);
      const content = { ...(before ?? { attachments: [] }), body };
      const encrypted = await this.e2ee.encrypt(held.roomId, content);
      const edited = await firstValueFrom(this.messagesApi.edit(messageId, { body: '', encrypted }));
      if (edited.encrypted) this.decrypted.sent(edited, content);
      this.ingest([edited]);
      return;
    }
    this.ingest([await firstValueFrom(this.messagesApi.edit(messageId, { body }))]);
  }

  /** The text a reply quotes, carried inside an encrypted reply so the quote never needs the server. */
  private quotedText(roomId: string, messageId: string): string | undefined {
    const held = this.timelines.held(roomId)?.find((m) => m.id === messageId);
    if (!held) return undefined;
    const body = held.encrypted ? (this.decrypted.decryptedById(messageId)?.body ?? '') : held.body;
    return toPlainText(body).slice(0, 280) || undefined;
  }

  /** Deletes a message (mine, or any as the room's owner or an admin). Throws the API's error. */
  async remove(messageId: string): Promise<void> {
    this.ingest([await firstValueFrom(this.messagesApi.remove(messageId))]);
  }

  /** Tells the room I am typing (the composer throttles). */
  typing(roomId: string): void {
    if (this.realtime.online()) this.realtime.request('typing', { roomId }).catch(() => undefined);
  }

  /**
   * I have seen the room's messages up to `seq` (it was on screen while the tab was visible and focused):
   * my read position moves there (never back, never past the room's last message), the badge goes down
   * at once, and the server hears of it.
   */
  markSeen(roomId: string, seq: number): void {
    const room = this.roomsById()[roomId];
    const me = this.me;
    if (!room || !me) return;
    const upTo = Math.min(seq, room.lastSeq);
    if (upTo <= room.lastReadSeq) return;
    this.patchRoom(roomId, (r) => applyMyRead(r, upTo, me, this.timelines.held(roomId), this.blocked()));
    this.readMarkers.moveTo(roomId, upTo);
  }

  // ---- incoming ----

  /**
   * Applies a live event of a room once `ready` settles, after the room's earlier live events: an encrypted
   * message is shown once decrypted (or after DECRYPT_WAIT_MS), not first as "Decrypting…" and then drawn again,
   * and what follows it in the room (an edit, a deletion, the next message) waits its turn.
   */
  private inOrder(roomId: string, apply: () => void, ready?: Promise<unknown>): void {
    const before = this.liveQueues.get(roomId);
    if (!before && !ready) {
      apply();
      return;
    }
    const session = this.me;
    const next: Promise<void> = Promise.all([before, ready])
      .catch(() => undefined)
      .then(() => {
        if (this.liveQueues.get(roomId) === next) this.liveQueues.delete(roomId);
        // Signed out (or in as someone else) meanwhile: the event belonged to the previous session.
        if (this.me !== session) return;
        try {
          apply();
        } catch (err) {
          // Surfaces as the uncaught error it would have been without the wait; the room's next events still come.
          setTimeout(() => {
            throw err;
          });
        }
      });
    this.liveQueues.set(roomId, next);
  }

  /** Settles when an encrypted message from elsewhere is decrypted (or could not be), at most DECRYPT_WAIT_MS. */
  private decryptedOrLate(message: Message): Promise<unknown> | undefined {
    if (!message.encrypted || message.deletedAt) return undefined;
    return Promise.race([this.decrypted.contentOf(message), new Promise((resolve) => setTimeout(resolve, DECRYPT_WAIT_MS))]);
  }

  private receive(message: Message): void {
    this.ingest([message]);
    // Nothing to notify: my own, a system line ("Ada added Bob"), or from someone I blocked.
    if (!countsAsUnread(message, this.me, this.blocked())) return;
    // Someone is looking at the tab, or notifications are off: no text to make.
    if (!this.notifier.wouldNotify()) return;
    if (message.encrypted) {
      // The notification says what the message says only once this device has read it.
      void this.decrypted.contentOf(message).then((content) => this.notify(message, content ? toPlainText(content.body) || attachmentsPreview(content.attachments.map(shownOf)) : 'Encrypted message'));
      return;
    }
    this.notify(message, toPlainText(message.body) || attachmentsPreview(message.attachments));
  }

  private notify(message: Message, text: string): void {
    const room = this.roomsById()[message.roomId];
    if (!room) return;
    this.notifier.messageArrived({
      roomId: room.id,
      roomName: room.name,
      direct: room.kind === RoomKind.Direct,
      senderName: this.people.nameOf(message.senderId),
      text,
    });
  }

  /** New, edited and deleted messages from any source, applied to the room list, the held timelines and the outbox. */
  ingest(messages: readonly Message[]): void {
    const me = this.me;
    if (messages.length === 0 || !me) return;
    const mine = new Set(messages.filter((m) => m.senderId === me).map((m) => m.clientMsgId));
    if (mine.size) this.outboxQueue.delivered(mine);
    // Tombstones of encrypted rooms too: the search on this device forgets deleted messages.
    if (messages.some((m) => m.encrypted || (m.deletedAt && this.roomsById()[m.roomId]?.encrypted))) this.decrypted.request(messages);

    const byRoom = new Map<string, Message[]>();
    for (const m of messages) byRoom.set(m.roomId, [...(byRoom.get(m.roomId) ?? []), m]);
    const rooms = { ...this.roomsById() };
    let unknownRoom = false;
    for (const [roomId, list] of byRoom) {
      const heldBefore = this.timelines.apply(roomId, list);
      // Their message arrived: they stopped typing it (a system line, "Ada added Bob", says nothing about typing).
      for (const m of list) if (m.kind === MessageKind.User) this.people.stoppedTyping(roomId, m.senderId);
      const arrived = [...list].sort((a, b) => a.seq - b.seq).map((message): Arrival => ({ message, previous: heldBefore?.get(message.id) }));
      for (const arrivals of this.arrivalsDuringLoads) arrivals.push(...arrived);
      let room = rooms[roomId];
      if (!room) {
        unknownRoom = true;
        continue;
      }
      for (const { message, previous } of arrived) room = this.summarise(room, message, previous);
      rooms[roomId] = room;
    }
    this.roomsById.set(rooms);
    // A message from a room this client does not list yet (joined elsewhere a moment ago): refresh the list.
    if (unknownRoom) this.scheduleRoomsRefresh();
  }

  /** A room's summary with one message applied (see `applyMessage`); `previous` is the copy it replaced. */
  private summarise(room: RoomSummary, message: Message, previous: Message | undefined): RoomSummary {
    const me = this.me ?? '';
    const senderName = message.senderId === me ? 'You' : this.people.nameOf(message.senderId, '');
    return applyMessage(room, message, { me, senderName, plainText: toPlainText, blocked: this.blocked(), previous });
  }

  private messageDeleted(event: MessageDeletedEvent): void {
    const held = this.timelines.held(event.roomId)?.find((m) => m.id === event.messageId);
    if (held) {
      this.ingest([tombstone(held, event.rev, event.deletedAt)]);
      return;
    }
    this.patchRoom(event.roomId, (room) => applyDeletion(room, event, this.me ?? '', this.blocked()));
  }

  private receipt(roomId: string, userId: string, seq: number): void {
    if (userId === this.me) {
      this.patchRoom(roomId, (room) => applyMyRead(room, seq, userId, this.timelines.held(roomId), this.blocked()));
    }
  }

  private roomUpdated(e: RoomUpdatedEvent): void {
    this.patchRoom(e.roomId, (room) => ({
      ...room,
      name: room.kind === RoomKind.Direct ? room.name : e.name,
      topic: e.topic,
      archivedAt: e.archivedAt,
      memberCount: e.memberCount,
      myRole: e.myRole ?? room.myRole,
    }));
  }

  /** Someone changed their name or picture: direct rooms with them and previews of their messages follow. */
  private profileChanged(user: PublicUser): void {
    const rooms = this.roomsById();
    const changed = Object.values(rooms).filter((room) => applyProfile(room, user) !== room);
    if (changed.length) this.roomsById.set({ ...rooms, ...Object.fromEntries(changed.map((room) => [room.id, applyProfile(room, user)])) });
  }

  private dropRoom(roomId: string): void {
    this.membershipChanged(roomId, false);
    this.roomsById.update((all) => {
      if (!(roomId in all)) return all;
      const next = { ...all };
      delete next[roomId];
      return next;
    });
    this.timelines.drop(roomId);
    this.membersStore.drop(roomId);
    this.readMarkers.forget(roomId);
  }

  // ---- helpers ----

  /**
   * This device takes part in end-to-end encryption from the moment I am in an encrypted room (its keys must
   * be on the server before others send there, or it could not read their messages). The library loads then,
   * in the background; sign-ins with no encrypted room never load it.
   */
  private startEncryptionIfUsed(rooms: readonly RoomSummary[]): void {
    if (!rooms.some((r) => r.encrypted)) return;
    void this.e2ee
      .start()
      .then(() => this.decryptPreviews(rooms))
      .catch(() => undefined);
  }

  /**
   * The room list previews an encrypted room's last message once this device has read it: for rooms not opened
   * since the page loaded, fetch that one message and decrypt it (the most recently active rooms first).
   */
  private async decryptPreviews(rooms: readonly RoomSummary[]): Promise<void> {
    const waiting = rooms
      .filter((r) => r.encrypted && r.lastMessage && !r.lastMessage.deleted && !r.lastMessage.hidden && !this.decrypted.decryptedById(r.lastMessage.id))
      .sort((a, b) => (b.lastMessage!.createdAt ?? '').localeCompare(a.lastMessage!.createdAt ?? ''))
      .slice(0, ENCRYPTED_PREVIEWS_MAX);
    for (const room of waiting) {
      if (this.timelines.held(room.id)?.some((m) => m.id === room.lastMessage!.id)) continue;
      const page = await firstValueFrom(this.messagesApi.history(room.id, { limit: 1 })).catch(() => null);
      const last = page?.items.find((m) => m.id === room.lastMessage!.id);
      if (last) this.decrypted.request([last]);
    }
  }

  private membershipChanged(roomId: string, joined: boolean): void {
    this.membershipChanges.set(roomId, { joined, at: ++this.membershipClock });
  }

  private patchRoom(roomId: string, change: (room: RoomSummary) => RoomSummary): void {
    const room = this.roomsById()[roomId];
    if (!room) return;
    const next = change(room);
    if (next !== room) this.roomsById.update((all) => ({ ...all, [roomId]: next }));
  }

  private rememberRoomNames(rooms: readonly RoomSummary[]): void {
    const names: [string, string][] = [];
    this.people.rememberUsers(rooms.flatMap((room) => (room.peer ? [room.peer] : [])));
    for (const room of rooms) {
      if (room.lastMessage && room.lastMessage.senderName && room.lastMessage.senderId !== this.me) {
        names.push([room.lastMessage.senderId, room.lastMessage.senderName]);
      }
    }
    this.people.rememberNames(names);
  }

  private scheduleRoomsRefresh(): void {
    if (this.roomsRefresh) return;
    this.roomsRefresh = setTimeout(() => {
      this.roomsRefresh = null;
      void this.loadRooms().catch(() => undefined);
    }, 300);
  }
}
