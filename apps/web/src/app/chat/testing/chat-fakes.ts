import { Injector, computed, signal } from '@angular/core';
import { Attachment, EncryptedContent, EncryptedMessageContent, MEGOLM_ALGORITHM, Message, MessagePage, PublicUser, RoomKind, RoomMember, RoomRole, RoomSummary, ServerToClientEvents, SocketErrorCode, SyncResult } from '@parley/contracts';
import { Observable, of, throwError } from 'rxjs';
import { MessagesApi } from '../../core/messages-api';
import { PresenceStore } from '../../core/presence-store';
import { ConnectionStatus, Realtime, SocketRequestError, SyncTarget } from '../../core/realtime';
import { RoomsApi } from '../../core/rooms-api';
import { UsersApi } from '../../core/users-api';
import { ChatStore } from '../chat-store';
import { IncomingMessage, MessageNotifier } from '../message-notifier';
import { OUTBOX_STORAGE } from '../outbox';
import { MembersStore } from '../members-store';
import { OutboxQueue } from '../outbox-queue';
import { PeopleStore } from '../people-store';
import { ReadMarkers } from '../read-markers';
import { RoomTimelines } from '../room-timelines';
import { DecryptedMessages } from '../../e2ee/decrypted-messages';
import { DecryptResult, E2ee } from '../../e2ee/e2ee';

/**
 * Test doubles at the edges of the chat store: the socket (FakeRealtime answers client events the way the
 * gateway does), the REST clients and localStorage. The store itself, its helpers and PeopleStore are real.
 */

export const ME = 'user-me';
let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

export function makeUser(overrides: Partial<PublicUser> = {}): PublicUser {
  const id = overrides.id ?? nextId('user');
  return { id, username: id, displayName: `Person ${id}`, statusText: '', avatarUrl: `/api/users/${id}/avatar`, createdAt: '2025-01-01T00:00:00.000Z', ...overrides };
}

export function makeRoom(overrides: Partial<RoomSummary> = {}): RoomSummary {
  return {
    id: overrides.id ?? nextId('room'),
    kind: RoomKind.Group,
    name: 'Room',
    topic: '',
    slug: null,
    myRole: RoomRole.Member,
    memberCount: 3,
    lastSeq: 0,
    lastRev: 0,
    lastReadSeq: 0,
    unreadCount: 0,
    lastMessage: null,
    lastActivityAt: '2025-01-01T10:00:00.000Z',
    archivedAt: null,
    peer: null,
    encrypted: false,
    createdAt: '2025-01-01T10:00:00.000Z',
    ...overrides,
  };
}

export function makeMessage(overrides: Partial<Message> & Pick<Message, 'roomId' | 'seq'>): Message {
  return {
    id: overrides.id ?? `msg-${overrides.roomId}-${overrides.seq}`,
    rev: overrides.seq,
    senderId: 'user-ana',
    body: `message ${overrides.seq}`,
    clientMsgId: nextId('c'),
    createdAt: new Date(Date.UTC(2025, 0, 2, 10, overrides.seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
    replyToId: null,
    kind: 'user',
    event: null,
    attachments: [],
    encrypted: null,
    ...overrides,
  };
}

export function makeMember(user: PublicUser, lastReadSeq = 0, role: RoomRole = RoomRole.Member): RoomMember {
  return { user, role, joinedAt: '2025-01-01T00:00:00.000Z', lastReadSeq };
}

type Handler = (...args: never[]) => void;
type Responder = (event: string, payload: unknown) => unknown;

/** The server's side of the socket: answers client events, pushes server events, and goes on- and offline. */
export class FakeRealtime {
  private readonly state = signal<ConnectionStatus>('offline');
  readonly status = this.state.asReadonly();
  readonly online = computed(() => this.state() === 'online');
  readonly requests: { event: string; payload: unknown }[] = [];
  private readonly handlers = new Map<string, Handler[]>();
  private target: SyncTarget | null = null;
  /** Per room: the messages the server has, by seq (message:send appends here). */
  readonly serverMessages = new Map<string, Message[]>();
  /** Overrides the answer for one event; return a SocketError as `{ error }` to refuse. */
  responders = new Map<string, Responder>();
  /** Files uploaded and ready on the server, by id: `attachmentIds` on message:send pick from these. */
  readonly files = new Map<string, Attachment>();

  attach(target: SyncTarget): void {
    this.target = target;
    target.sessionChanged(ME);
  }

  on<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler as unknown as Handler]);
  }

  /** A server event arrives. */
  push<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    for (const handler of this.handlers.get(event) ?? []) (handler as (...a: unknown[]) => void)(...args);
  }

  async request(event: string, payload: unknown): Promise<unknown> {
    this.requests.push({ event, payload });
    if (!this.online()) throw new SocketRequestError({ code: SocketErrorCode.Unavailable, message: 'Not connected to the server.' }, true);
    const custom = this.responders.get(event);
    const response = custom ? custom(event, payload) : this.answer(event, payload);
    if (response && typeof response === 'object' && 'error' in response) {
      throw new SocketRequestError((response as { error: { code: SocketErrorCode; message: string; retryAfterMs?: number } }).error);
    }
    return response;
  }

  requestsFor(event: string): unknown[] {
    return this.requests.filter((r) => r.event === event).map((r) => r.payload);
  }

  /** Connects and runs the same catch-up the real connection does: cursors, sync, synced. */
  async connect(reconnect = false, meanwhile?: () => void): Promise<void> {
    this.state.set('online');
    meanwhile?.();
    const cursors = await this.target!.syncCursors(reconnect);
    const result = (await this.request('sync', cursors)) as SyncResult;
    this.target!.applySync(result);
    if (result.joined?.length) this.target!.missedRooms(result.joined);
    this.target!.synced();
    await settle();
  }

  disconnect(): void {
    this.state.set('offline');
    this.target?.disconnected();
  }

  private answer(event: string, payload: unknown): unknown {
    switch (event) {
      case 'message:send': {
        const p = payload as { roomId: string; clientMsgId: string; body: string; replyToId?: string; attachmentIds?: string[]; encrypted?: EncryptedContent };
        const list = this.serverMessages.get(p.roomId) ?? [];
        // The same clientMsgId returns the original message (a resend is safe).
        const existing = list.find((m) => m.senderId === ME && m.clientMsgId === p.clientMsgId);
        if (existing) return { message: existing };
        const seq = (list.at(-1)?.seq ?? 0) + 1;
        const attachments = (p.attachmentIds ?? []).map((id) => this.files.get(id)!);
        if (attachments.some((a) => !a)) return { error: { code: SocketErrorCode.NotFound, message: 'File not found.' } };
        const message = makeMessage({ roomId: p.roomId, seq, senderId: ME, body: p.body, clientMsgId: p.clientMsgId, replyToId: p.replyToId ?? null, attachments, encrypted: p.encrypted ?? null });
        this.serverMessages.set(p.roomId, [...list, message]);
        return { message };
      }
      case 'sync':
        return { rooms: [], removed: [], pending: [] };
      case 'room:read': {
        const p = payload as { roomId: string; seq: number };
        return { roomId: p.roomId, lastReadSeq: p.seq };
      }
      case 'presence:query':
        return { presence: [] };
      default:
        return { ok: true };
    }
  }
}

/** localStorage as a Map. */
export class MemoryStorage {
  readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
  removeItem(key: string): void {
    this.data.delete(key);
  }
}

export class FakeRoomsApi {
  rooms: RoomSummary[] = [];
  members = new Map<string, RoomMember[]>();
  /** While set, GET /api/rooms is "on its way": it answers (with the rooms as they were asked) on release(). */
  private held: (() => void)[] | null = null;
  list(): Observable<RoomSummary[]> {
    const answer = this.rooms.map((r) => ({ ...r }));
    if (!this.held) return of(answer);
    const held = this.held;
    return new Observable<RoomSummary[]>((subscriber) => {
      held.push(() => {
        subscriber.next(answer);
        subscriber.complete();
      });
    });
  }
  hold(): void {
    this.held = [];
  }
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const answer of held) answer();
  }
  membersOf(roomId: string): RoomMember[] {
    return this.members.get(roomId) ?? [];
  }
}

export class FakeMessagesApi {
  /** Per room: the whole history; pages are cut from it like the server does. */
  history = new Map<string, Message[]>();
  failing = false;
  readonly queries: { roomId: string; before?: number; after?: number; limit?: number }[] = [];
  page(roomId: string, query: { before?: number; after?: number; limit?: number }): Observable<MessagePage> {
    this.queries.push({ roomId, ...query });
    if (this.failing) return throwError(() => new Error('offline'));
    const limit = query.limit ?? 50;
    const history = this.history.get(roomId) ?? [];
    if (query.after !== undefined) {
      const after = history.filter((m) => m.seq > query.after!);
      return of({ items: after.slice(0, limit), hasMore: after.length > limit });
    }
    const all = history.filter((m) => query.before === undefined || m.seq < query.before);
    return of({ items: all.slice(-limit), hasMore: all.length > limit });
  }
}

export class FakeNotifier {
  readonly shown: IncomingMessage[] = [];
  /** The tab is hidden and notifications are allowed (set false for a tab someone is looking at). */
  notifying = true;
  wouldNotify(): boolean {
    return this.notifying;
  }
  messageArrived(message: IncomingMessage): void {
    this.shown.push(message);
  }
}

/** Lets queued promise callbacks and zero-delay timers run. */
export async function settle(rounds = 5): Promise<void> {
  // setImmediate (Node) runs after pending promise callbacks and is left alone by Jest's fake timers.
  const immediate = (globalThis as unknown as { setImmediate(callback: () => void): void }).setImmediate;
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => immediate(resolve));
}

/**
 * Stands in for the crypto library in the store's unit tests: "ciphertext" is the content in base64, and a
 * message whose key has not "arrived" (sessionId in `missingKeys`) waits until `deliverKey`. The real
 * library is exercised by the browser and API end-to-end tests.
 */
export class FakeE2ee {
  readonly missingKeys = new Set<string>();
  /** Called when a decryption finds no key (a test delivers the key right then). */
  whileMissing: ((sessionId: string) => void) | undefined;
  private listeners = new Set<(s: { roomId: string; sessionId: string }[]) => void>();
  private readonly slow = new Map<string, Promise<void>>();
  encrypted: { roomId: string; content: EncryptedMessageContent }[] = [];
  /** While set, encryptions wait for it (a room key being shared with every device). */
  encryptionHeld: Promise<void> | null = null;

  /** Makes the decryption of a session's messages wait until the returned function is called. */
  holdDecryption(sessionId: string): () => void {
    let release = () => undefined as void;
    this.slow.set(sessionId, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.slow.delete(sessionId);
      release();
    };
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  onRoomKeys(listener: (s: { roomId: string; sessionId: string }[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onTrustChanged(): () => void {
    return () => undefined;
  }

  async encrypt(roomId: string, content: EncryptedMessageContent): Promise<EncryptedContent> {
    this.encrypted.push({ roomId, content });
    await this.encryptionHeld;
    return { algorithm: MEGOLM_ALGORITHM, ciphertext: btoa(unescape(encodeURIComponent(JSON.stringify(content)))), senderKey: 'k', senderDeviceId: 'ABCDEFGHIJ', sessionId: `s-${roomId}` };
  }

  async decrypt(message: Message): Promise<DecryptResult> {
    const e = message.encrypted!;
    await this.slow.get(e.sessionId);
    if (this.missingKeys.has(e.sessionId)) {
      // The key may arrive after the library looked for it but before this answer is handled.
      this.whileMissing?.(e.sessionId);
      return { ok: false, reason: 'missing_key', detail: 'no key', sessionId: e.sessionId };
    }
    const content = JSON.parse(decodeURIComponent(escape(atob(e.ciphertext)))) as EncryptedMessageContent;
    return { ok: true, content, trust: { shield: 'grey', message: 'unverified' } };
  }

  deliverKey(roomId: string, sessionId: string): void {
    this.missingKeys.delete(sessionId);
    for (const l of this.listeners) l([{ roomId, sessionId }]);
  }
}

export interface ChatHarness {
  store: ChatStore;
  realtime: FakeRealtime;
  rooms: FakeRoomsApi;
  messages: FakeMessagesApi;
  storage: MemoryStorage;
  notifier: FakeNotifier;
  e2ee: FakeE2ee;
}

/** A ChatStore wired to the fakes (pass the storage of an earlier harness to simulate a reload). */
export function chatHarness(options: { rooms?: RoomSummary[]; storage?: MemoryStorage } = {}): ChatHarness {
  const realtime = new FakeRealtime();
  const rooms = new FakeRoomsApi();
  rooms.rooms = options.rooms ?? [];
  const messages = new FakeMessagesApi();
  const storage = options.storage ?? new MemoryStorage();
  const notifier = new FakeNotifier();
  const e2ee = new FakeE2ee();
  const injector = Injector.create({
    providers: [
      ChatStore,
      DecryptedMessages,
      { provide: E2ee, useValue: e2ee },
      PeopleStore,
      PresenceStore,
      OutboxQueue,
      MembersStore,
      ReadMarkers,
      RoomTimelines,
      { provide: Realtime, useValue: realtime },
      {
        provide: RoomsApi,
        useValue: { list: () => rooms.list(), members: (id: string) => of(rooms.membersOf(id)) },
      },
      {
        provide: MessagesApi,
        useValue: {
          history: (roomId: string, query: { before?: number; after?: number; limit?: number }) => messages.page(roomId, query),
          edit: () => throwError(() => new Error('not used')),
          remove: () => throwError(() => new Error('not used')),
        },
      },
      { provide: UsersApi, useValue: { get: (id: string) => of(makeUser({ id, displayName: `Directory ${id}` })) } },
      { provide: OUTBOX_STORAGE, useValue: storage },
      { provide: MessageNotifier, useValue: notifier },
    ],
  });
  const store = injector.get(ChatStore);
  return { store, realtime, rooms, messages, storage, notifier, e2ee };
}
