import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import type { DecryptedRoomEvent, OlmMachine, RoomId, RoomKeyInfo, UserId } from '@matrix-org/matrix-sdk-crypto-wasm';
import {
  CALENDAR_E2EE_EVENT_TYPE,
  CalendarEvent,
  E2EE_MESSAGE_EVENT_TYPE,
  EncryptedCalendarContent,
  E2eeDevice,
  E2EE_SYNC_TO_DEVICE_MAX,
  EncryptedContent,
  EncryptedMessageContent,
  Message,
  e2eeRoomId,
  e2eeUserId,
} from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthStore } from '../core/auth-store';
import { Realtime } from '../core/realtime';
import { RoomsApi } from '../core/rooms-api';
import { CryptoWasm, loadCryptoWasm } from './crypto-wasm';
import { E2eeApi } from './e2ee-api';
import { sendAllOutgoing, sendOutgoingRequest } from './outgoing-requests';
import { readSealedAttachments } from './sealed-files/sealed-attachment';
import { forgetStore, storePassphrase } from './store-secret';

/** A room's Megolm session is replaced after this many messages… */
export const ROOM_KEY_ROTATION_MESSAGES = 100;
/** …or after this long (a week), whichever comes first; and whenever a member or a device leaves. */
export const ROOM_KEY_ROTATION_MS = 7 * 24 * 3600_000;
/**
 * While a room's members and their devices are unchanged, its key sharing is checked again only when the room
 * key this page uses is due for rotation (ROOM_KEY_ROTATION_MESSAGES of its messages, or its age), and at least
 * this often: the check is what rotates a used-up key, and nothing else changes meanwhile.
 */
const SHARE_CHECK_MS = 60_000;
/** Pauses before a failed start is tried again (then it waits for the next reason to start: a room, a reconnect). */
const START_RETRY_MS = [1000, 3000, 10_000, 30_000];
/**
 * Pauses before a failed inbox fetch is tried again, the last one repeated while it keeps failing: a room key
 * that reached the server must not wait for the next wake-up (`e2ee:sync`), which a quiet room may never send.
 */
const SYNC_RETRY_MS = [1000, 2000, 5000, 10_000, 30_000];
/** How long after a device-list update its rooms' keys go to new devices (updates in a burst make one check). */
const LATE_SHARE_DELAY_MS = 250;

/** What the last key sharing of a room was for (its members, the device-list version then), and the key in use. */
interface RoomSharing {
  members: string[];
  devicesVersion: number;
  checkedAt: number;
  /** The Megolm session this page's messages went out under, how many, and since when. */
  sessionId: string | null;
  used: number;
  usedSince: number;
}

/** Why a message could not be read (yet). */
export type DecryptFailure =
  /** The room key has not arrived (it may still come from the sender, or from the key backup). */
  | 'missing_key'
  /** The key arrived but not from this point of the session on (shared after the message was sent). */
  | 'unknown_index'
  /** The ciphertext is damaged, replayed, or claims a sender that does not own the session. */
  | 'invalid';

export type DecryptResult =
  | { ok: true; content: EncryptedMessageContent; trust: SenderTrust }
  | { ok: false; reason: DecryptFailure; detail: string; sessionId: string };

/** What the library says about the device that encrypted a message. */
export interface SenderTrust {
  /** `none`: verified (or my own device); `grey`: not verified; `red`: something is wrong. */
  shield: 'none' | 'grey' | 'red';
  message: string | null;
}

export type E2eeStatus = 'off' | 'starting' | 'ready' | 'failed';

/** A started device: the library and its machine, for the parts built on it (recovery, verification). */
export interface E2eeSession {
  wasm: CryptoWasm;
  machine: OlmMachine;
  /** Parley's user id (a uuid) and this device's id. */
  userId: string;
  deviceId: string;
}

/** A to-device event of the inbox as the library took it in (decrypted when it came encrypted). */
export interface InboxEvent {
  type: string;
  sender: string;
  content: Record<string, unknown>;
}

const sinceKey = (deviceId: string) => `parley.e2ee.since.${deviceId}`;
/** The name of a device's crypto store (the library's databases and the search on this device are named after it). */
export const storeName = (userId: string, deviceId: string) => `parley-e2ee-${userId}-${deviceId}`;

function parseContent(json: string): EncryptedMessageContent | null {
  try {
    const event = JSON.parse(json) as { type?: unknown; content?: Partial<EncryptedMessageContent> };
    const content = event.content;
    if (event.type !== E2EE_MESSAGE_EVENT_TYPE || !content || typeof content.body !== 'string') return null;
    return {
      body: content.body,
      attachments: readSealedAttachments(content.attachments),
      ...(typeof content.replyPreview === 'string' ? { replyPreview: content.replyPreview } : {}),
    };
  } catch {
    return null;
  }
}

/** A calendar event's decrypted text, or why it could not be read (yet). */
export type CalendarDecryptResult =
  | { ok: true; content: EncryptedCalendarContent; trust: SenderTrust }
  | { ok: false; reason: DecryptFailure; detail: string; sessionId: string };

function parseCalendarContent(json: string): EncryptedCalendarContent | null {
  try {
    const event = JSON.parse(json) as { type?: unknown; content?: Partial<EncryptedCalendarContent> };
    const c = event.content;
    if (event.type !== CALENDAR_E2EE_EVENT_TYPE || !c || typeof c.title !== 'string') return null;
    return { title: c.title, description: typeof c.description === 'string' ? c.description : '', location: typeof c.location === 'string' ? c.location : '' };
  } catch {
    return null;
  }
}

/**
 * This browser's end-to-end encryption: one device per sign-in, running the audited Olm/Megolm implementation
 * of `@matrix-org/matrix-sdk-crypto-wasm` (loaded the first time an encrypted room is used). It keeps the
 * device's keys in an encrypted IndexedDB store, relays the library's key traffic to /api/e2ee, follows the
 * device's to-device inbox (woken by `e2ee:sync`), and encrypts and decrypts room messages.
 */
@Injectable({ providedIn: 'root' })
export class E2ee {
  private readonly api = inject(E2eeApi);
  private readonly auth = inject(AuthStore);
  private readonly realtime = inject(Realtime);
  private readonly roomsApi = inject(RoomsApi);

  private readonly state = signal<E2eeStatus>('off');
  private readonly deviceInfo = signal<E2eeDevice | null>(null);
  private userId: string | null = null;
  private wasm: CryptoWasm | null = null;
  private machine: OlmMachine | null = null;
  private starting: Promise<OlmMachine> | null = null;
  private startFailures = 0;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private syncFailures = 0;
  private syncRetry: ReturnType<typeof setTimeout> | null = null;
  private outgoing: Promise<void> = Promise.resolve();
  private readonly roomQueues = new Map<string, Promise<unknown>>();
  private readonly keyListeners = new Set<(sessions: { roomId: string; sessionId: string }[]) => void>();
  private readonly startListeners = new Set<(session: E2eeSession) => void>();
  private readonly inboxListeners = new Set<(events: InboxEvent[]) => void>();
  private readonly missingKeyListeners = new Set<() => void>();
  private readonly trustListeners = new Set<() => void>();
  private readonly stopListeners = new Set<() => void>();
  private trustTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly keysVersion = signal(0);
  /** Per room, the members the room key was last shared with (dropped when membership may have changed). */
  private readonly sharing = new Map<string, RoomSharing>();
  /** Rooms whose key goes to newly seen devices shortly (see shareWithNewDevices). */
  private readonly lateShares = new Set<string>();
  /** Goes up when any device list changes (a device added or signed out, keys changed): sharing is re-checked. */
  private devicesVersion = 0;

  readonly status = this.state.asReadonly();
  readonly device = this.deviceInfo.asReadonly();
  readonly ready = computed(() => this.state() === 'ready');
  /** Goes up when the library learns new device keys or identities (lists of devices re-read their trust). */
  readonly deviceKeysChanged = this.keysVersion.asReadonly();

  constructor() {
    const userId = computed(() => this.auth.user()?.id ?? null);
    effect(() => {
      const id = userId();
      untracked(() => this.switchUser(id));
    });
    this.realtime.on('e2ee:sync', () => {
      if (this.machine) this.sync().catch(() => undefined);
    });
    this.realtime.on('room:left', ({ roomId, userId: left }) => {
      this.sharing.delete(roomId);
      // Someone left: the next message of mine there goes under a new room key (the library rotates when a
      // member it shared the key with is no longer in the list it is given; this makes it certain).
      if (left !== this.userId && this.machine && this.wasm) void this.discardRoomKey(roomId);
    });
    // Someone joined: the next message shares the key with their devices (the members are asked again).
    this.realtime.on('member:joined', ({ roomId }) => this.sharing.delete(roomId));
    effect(() => {
      // Back online: catch up on whatever reached the inbox meanwhile, and ask rooms' members again (joins and
      // leaves may have been missed while offline).
      if (this.realtime.online() && untracked(() => this.machine)) {
        this.sharing.clear();
        this.sync().catch(() => undefined);
      }
    });
  }

  /** Starts this device (registers it, loads the library, uploads its keys); later calls share the start. */
  start(): Promise<OlmMachine> {
    if (this.machine) return Promise.resolve(this.machine);
    const userId = this.userId;
    if (!userId) return Promise.reject(new Error('Not signed in.'));
    this.starting ??= this.open(userId).then(
      (machine) => {
        this.startFailures = 0;
        return machine;
      },
      (err: unknown) => {
        this.starting = null;
        if (this.userId === userId) {
          this.state.set('failed');
          this.retryStart(userId);
        }
        throw err;
      },
    );
    return this.starting;
  }

  /**
   * A start that failed (the connection dropped, the server was busy) is tried again by itself a few times,
   * further apart each time, while the same person is signed in: encryption is not given up for the page's life.
   */
  private retryStart(userId: string): void {
    const delay = START_RETRY_MS[this.startFailures++];
    if (delay === undefined) return;
    setTimeout(() => {
      if (this.userId === userId && !this.machine && !this.starting) void this.start().catch(() => undefined);
    }, delay);
  }

  /** Calls `listener` with the room keys that arrive from now on (to retry messages waiting for them). */
  onRoomKeys(listener: (sessions: { roomId: string; sessionId: string }[]) => void): () => void {
    this.keyListeners.add(listener);
    return () => this.keyListeners.delete(listener);
  }

  /** Calls `listener` each time a device starts (after its first sync): recovery checks its backup then. */
  onStarted(listener: (session: E2eeSession) => void): () => void {
    this.startListeners.add(listener);
    return () => this.startListeners.delete(listener);
  }

  /** Calls `listener` with each batch of inbox events once the library has taken them in (verification). */
  onInbox(listener: (events: InboxEvent[]) => void): () => void {
    this.inboxListeners.add(listener);
    return () => this.inboxListeners.delete(listener);
  }

  /** Calls `listener` when this device stops (signed out, or another person signs in): what was kept for it goes. */
  onStopped(listener: () => void): () => void {
    this.stopListeners.add(listener);
    return () => this.stopListeners.delete(listener);
  }

  /** Calls `listener` when a message could not be decrypted for want of its room key (the backup may have it). */
  onMissingKey(listener: () => void): () => void {
    this.missingKeyListeners.add(listener);
    return () => this.missingKeyListeners.delete(listener);
  }

  /** Calls `listener` when who this device trusts changed (a verification, a restore): shields are re-read. */
  onTrustChanged(listener: () => void): () => void {
    this.trustListeners.add(listener);
    return () => this.trustListeners.delete(listener);
  }

  announceTrustChanged(): void {
    // Several changes in a row (a key query answering for many people) make one re-read.
    if (this.trustTimer) clearTimeout(this.trustTimer);
    this.trustTimer = setTimeout(() => {
      this.trustTimer = null;
      for (const listener of this.trustListeners) listener();
    }, 300);
  }

  /** The started device (starting it if needed). */
  async session(): Promise<E2eeSession> {
    await this.start();
    const session = this.current();
    if (!session) throw new Error('Signed out.');
    return session;
  }

  /** The started device, or null while it is not. */
  current(): E2eeSession | null {
    const device = this.deviceInfo();
    return this.machine && this.wasm && this.userId && device ? { wasm: this.wasm, machine: this.machine, userId: this.userId, deviceId: device.deviceId } : null;
  }

  /** Sends one request the library made (verification steps, signatures) and tells it the answer. */
  async send(request: Parameters<typeof sendOutgoingRequest>[3]): Promise<void> {
    const session = this.current();
    if (session) await sendOutgoingRequest(session.wasm, session.machine, this.api, request);
  }

  /** Sends whatever the library has queued (and backs up new room keys). */
  flush(): Promise<void> {
    return this.processOutgoing();
  }

  /** Tells the waiting messages that room keys arrived from elsewhere (the key backup). */
  announceRoomKeys(sessions: { roomId: string; sessionId: string }[]): void {
    for (const listener of this.keyListeners) listener(sessions);
  }

  /**
   * Encrypts a message's content for a room's current members and their devices: the room key is shared
   * first with any device that does not have it (over Olm, through /api/e2ee/sendToDevice). Messages of one
   * room are encrypted one after another, in the order they are asked for.
   */
  encrypt(roomId: string, content: EncryptedMessageContent): Promise<EncryptedContent> {
    return this.encryptEvent(roomId, E2EE_MESSAGE_EVENT_TYPE, content);
  }

  /** Encrypts a calendar event's text for the room, exactly as a message (the same room key and sharing). */
  encryptCalendar(roomId: string, content: EncryptedCalendarContent): Promise<EncryptedContent> {
    return this.encryptEvent(roomId, CALENDAR_E2EE_EVENT_TYPE, content);
  }

  private encryptEvent(roomId: string, type: string, content: object): Promise<EncryptedContent> {
    return this.inRoomQueue(roomId, async () => {
      const machine = await this.start();
      const wasm = this.wasm!;
      const room = () => new wasm.RoomId(e2eeRoomId(roomId));
      let ciphertext: string;
      try {
        await this.shareRoomKey(wasm, machine, roomId, room(), false);
        ciphertext = await machine.encryptRoomEvent(room(), type, JSON.stringify(content));
      } catch {
        // No usable room key (used up, or discarded): share afresh, with the members asked again.
        this.sharing.delete(roomId);
        await this.shareRoomKey(wasm, machine, roomId, room(), true);
        ciphertext = await machine.encryptRoomEvent(room(), type, JSON.stringify(content));
      }
      const encrypted = JSON.parse(ciphertext) as {
        algorithm: string;
        ciphertext: string;
        sender_key: string;
        device_id: string;
        session_id: string;
      };
      const sharing = this.sharing.get(roomId);
      if (sharing && sharing.sessionId === encrypted.session_id) sharing.used++;
      else {
        if (sharing) Object.assign(sharing, { sessionId: encrypted.session_id, used: 1, usedSince: Date.now() });
        // A new room key: backed up now, when a backup is set up (nothing to send otherwise).
        void this.processOutgoing();
      }
      if (sharing && sharing.used >= ROOM_KEY_ROTATION_MESSAGES) this.rotateAhead(roomId);
      return {
        algorithm: encrypted.algorithm,
        ciphertext: encrypted.ciphertext,
        senderKey: encrypted.sender_key,
        senderDeviceId: encrypted.device_id,
        sessionId: encrypted.session_id,
      };
    });
  }

  /** Decrypts a message of an encrypted room (with its sender checked against the session's owner). */
  async decrypt(message: Message): Promise<DecryptResult> {
    const encrypted = message.encrypted;
    if (!encrypted) throw new Error('Not an encrypted message.');
    const result = await this.decryptEvent({ id: message.id, roomId: message.roomId, senderId: message.senderId, at: message.editedAt ?? message.createdAt, encrypted });
    if (!result.ok) return result;
    const content = parseContent(result.json);
    if (!content) return { ok: false, reason: 'invalid', detail: 'The decrypted message is not a Parley message.', sessionId: encrypted.sessionId };
    return { ok: true, content, trust: result.trust };
  }

  /** Decrypts a calendar event's text (encrypted by `senderId`'s device, as a message is). */
  async decryptCalendar(event: CalendarEvent, senderId: string): Promise<CalendarDecryptResult> {
    const encrypted = event.encrypted;
    if (!encrypted) throw new Error('Not an encrypted event.');
    const result = await this.decryptEvent({ id: event.id, roomId: event.roomId, senderId, at: event.updatedAt, encrypted });
    if (!result.ok) return result;
    const content = parseCalendarContent(result.json);
    if (!content) return { ok: false, reason: 'invalid', detail: 'The decrypted text is not a Parley calendar event.', sessionId: encrypted.sessionId };
    return { ok: true, content, trust: result.trust };
  }

  private async decryptEvent(source: { id: string; roomId: string; senderId: string; at: string; encrypted: EncryptedContent }): Promise<
    { ok: true; json: string; trust: SenderTrust } | { ok: false; reason: DecryptFailure; detail: string; sessionId: string }
  > {
    const encrypted = source.encrypted;
    const machine = await this.start();
    const wasm = this.wasm!;
    const event = {
      type: 'm.room.encrypted',
      event_id: `$${source.id}`,
      sender: e2eeUserId(source.senderId),
      origin_server_ts: Date.parse(source.at),
      room_id: e2eeRoomId(source.roomId),
      content: {
        algorithm: encrypted.algorithm,
        ciphertext: encrypted.ciphertext,
        sender_key: encrypted.senderKey,
        device_id: encrypted.senderDeviceId,
        session_id: encrypted.sessionId,
      },
    };
    let decrypted: DecryptedRoomEvent;
    try {
      decrypted = await machine.decryptRoomEvent(
        JSON.stringify(event),
        new wasm.RoomId(e2eeRoomId(source.roomId)),
        new wasm.DecryptionSettings(wasm.TrustRequirement.Untrusted),
      );
    } catch (err) {
      const failure = this.failure(wasm, err);
      if (failure.reason === 'missing_key') for (const listener of this.missingKeyListeners) listener();
      return { ok: false, ...failure, sessionId: encrypted.sessionId };
    }
    const shield = decrypted.shieldState(false);
    const trust: SenderTrust = {
      shield: shield.color === wasm.ShieldColor.Red ? 'red' : shield.color === wasm.ShieldColor.Grey ? 'grey' : 'none',
      message: shield.message ?? null,
    };
    return { ok: true, json: decrypted.event, trust };
  }

  /** Catches up with the device's inbox: to-device messages (room keys), device list changes, key counts. */
  sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.syncAgain = false;
          await this.syncOnce();
        } while (this.syncAgain);
        this.syncFailures = 0;
      } catch (err) {
        this.retrySyncLater();
        throw err;
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  /** After a failed fetch of the inbox: again after a pause (longer each time), while this device is running. */
  private retrySyncLater(): void {
    if (this.syncRetry) return;
    const machine = this.machine;
    const delay = SYNC_RETRY_MS[Math.min(this.syncFailures++, SYNC_RETRY_MS.length - 1)];
    this.syncRetry = setTimeout(() => {
      this.syncRetry = null;
      if (machine && this.machine === machine) this.sync().catch(() => undefined);
    }, delay);
  }

  // ---- internals ----

  private async open(userId: string): Promise<OlmMachine> {
    this.state.set('starting');
    const device = await this.api.registerDevice({ displayName: describeBrowser() });
    const wasm = await loadCryptoWasm();
    const name = storeName(userId, device.deviceId);
    const machine = await wasm.OlmMachine.initialize(new wasm.UserId(device.userId), new wasm.DeviceId(device.deviceId), name, await storePassphrase(name));
    if (this.userId !== userId) {
      machine.close();
      throw new Error('Signed out while starting.');
    }
    machine.registerRoomKeyUpdatedCallback(async (keys: RoomKeyInfo[]) => {
      const sessions = keys.map((k) => ({ roomId: k.roomId.toString().replace(/^!|:parley$/g, ''), sessionId: k.sessionId }));
      for (const listener of this.keyListeners) listener(sessions);
    });
    machine.registerDevicesUpdatedCallback(async (userIds) => {
      this.keysVersion.update((n) => n + 1);
      this.shareWithNewDevices(userIds);
    });
    machine.registerUserIdentityUpdatedCallback(async () => {
      // A new signature (someone verified, a device cross-signed) changes senders' shields.
      this.keysVersion.update((n) => n + 1);
      this.announceTrustChanged();
    });
    this.wasm = wasm;
    this.machine = machine;
    this.deviceInfo.set(device);
    await this.processOutgoing();
    await this.sync();
    this.state.set('ready');
    const session = this.current();
    if (session) for (const listener of this.startListeners) listener(session);
    return machine;
  }

  private async syncOnce(): Promise<void> {
    const machine = this.machine;
    const wasm = this.wasm;
    const device = this.deviceInfo();
    if (!machine || !wasm || !device) return;
    let since = localStorage.getItem(sinceKey(device.deviceId));
    for (;;) {
      const answer = await this.api.sync(since);
      if (this.machine !== machine) return;
      // A device added or removed somewhere: rooms check their key sharing again before the next message.
      if (answer.device_lists.changed.length || answer.device_lists.left.length) this.devicesVersion++;
      const changed = () => answer.device_lists.changed.map((id) => new wasm.UserId(id));
      const left = () => answer.device_lists.left.map((id) => new wasm.UserId(id));
      const counts = () => new Map(Object.entries(answer.device_one_time_keys_count));
      const fallback = () => new Set(answer.device_unused_fallback_key_types);
      let lists = new wasm.DeviceLists(changed(), left());
      // The library drops a verification request from a device whose keys it has not fetched (a brand-new
      // browser of someone): take the device list changes first and fetch those keys, then the requests.
      const requesters = await unknownRequesters(wasm, machine, answer.to_device.events);
      if (requesters.length) {
        await machine.updateTrackedUsers(requesters.map((id) => new wasm.UserId(id)));
        await machine.receiveSyncChanges('[]', lists, counts(), fallback());
        await this.processOutgoing();
        lists = new wasm.DeviceLists([], []);
      }
      const processed = await machine.receiveSyncChanges(JSON.stringify(answer.to_device.events), lists, counts(), fallback());
      since = answer.next_batch;
      localStorage.setItem(sinceKey(device.deviceId), since);
      const events = processed.flatMap((p) => ('rawEvent' in p ? [JSON.parse(p.rawEvent) as InboxEvent] : []));
      if (events.length) for (const listener of this.inboxListeners) listener(events);
      await this.processOutgoing();
      if (answer.to_device.events.length < E2EE_SYNC_TO_DEVICE_MAX) break;
    }
  }

  /** Sends what the library queued, one run at a time. */
  private processOutgoing(): Promise<void> {
    const run = this.outgoing.catch(() => undefined).then(async () => {
      const machine = this.machine;
      const wasm = this.wasm;
      if (!machine || !wasm) return;
      await sendAllOutgoing(wasm, machine, this.api);
      // Room keys not backed up yet go to the key backup (encrypted to its public key), a batch at a time.
      if (!(await machine.isBackupEnabled())) return;
      try {
        for (;;) {
          const backup = await machine.backupRoomKeys();
          if (!backup) break;
          await sendOutgoingRequest(wasm, machine, this.api, backup);
        }
      } catch {
        // Offline, or the backup was replaced on another device: the keys stay queued and go with the next run.
      }
    });
    this.outgoing = run;
    return run;
  }

  /**
   * Makes sure every device of the room's members has the current room key (claiming one-time keys and
   * sending it over Olm to the devices that lack it). Skipped while nothing changed since the last check (same
   * members, no device list change, the key in use not due for rotation, less than SHARE_CHECK_MS since), which
   * keeps a busy room's sends to the encryption itself; `force` checks anyway.
   */
  private async shareRoomKey(wasm: CryptoWasm, machine: OlmMachine, roomId: string, room: RoomId, force: boolean): Promise<void> {
    const last = this.sharing.get(roomId);
    const now = Date.now();
    if (
      !force &&
      last &&
      last.devicesVersion === this.devicesVersion &&
      last.used < ROOM_KEY_ROTATION_MESSAGES &&
      now - last.usedSince < ROOM_KEY_ROTATION_MS &&
      now - last.checkedAt < SHARE_CHECK_MS
    ) {
      return;
    }
    const devicesVersion = this.devicesVersion;
    // The members now, from the server (once; then kept up to date by member:joined / room:left): a member who
    // just left is not in it.
    const memberIds = last?.members ?? (await firstValueFrom(this.roomsApi.members(roomId))).map((m) => m.user.id);
    const users = (): UserId[] => memberIds.map((id) => new wasm.UserId(e2eeUserId(id)));
    await machine.updateTrackedUsers(users());
    // Device lists of newly tracked users (and of anyone whose devices changed) before the key goes out.
    await this.processOutgoing();
    const claim = await machine.getMissingSessions(users());
    if (claim) await sendOutgoingRequest(wasm, machine, this.api, claim);
    const settings = new wasm.EncryptionSettings();
    settings.algorithm = wasm.EncryptionAlgorithm.MegolmV1AesSha2;
    settings.historyVisibility = wasm.HistoryVisibility.Joined;
    settings.rotationPeriodMessages = BigInt(ROOM_KEY_ROTATION_MESSAGES);
    settings.rotationPeriod = BigInt(ROOM_KEY_ROTATION_MS) * 1000n;
    settings.sharingStrategy = wasm.CollectStrategy.deviceBasedStrategy(false, false);
    const requests = await machine.shareRoomKey(room, users(), settings);
    for (const request of requests) await sendOutgoingRequest(wasm, machine, this.api, request);
    // The key in use is kept across checks; if the library rotated it, the next message says so (a new session id).
    this.sharing.set(roomId, { members: memberIds, devicesVersion, checkedAt: Date.now(), sessionId: last?.sessionId ?? null, used: last?.used ?? 0, usedSince: last?.usedSince ?? Date.now() });
  }

  /**
   * This message used the room key up (ROOM_KEY_ROTATION_MESSAGES): its successor is made and shared with every
   * device now, in the room's queue, so that the next message does not wait for the claims and to-device
   * messages after Enter. A message already queued behind this one rotates the key itself, and this does nothing.
   */
  private rotateAhead(roomId: string): void {
    void this.inRoomQueue(roomId, async () => {
      const machine = this.machine;
      const wasm = this.wasm;
      const sharing = this.sharing.get(roomId);
      if (!machine || !wasm || !sharing || sharing.used < ROOM_KEY_ROTATION_MESSAGES) return;
      await this.shareRoomKey(wasm, machine, roomId, new wasm.RoomId(e2eeRoomId(roomId)), true);
      // The library replaced the used-up key (its own count is at least this page's): the next message starts the
      // new one's count (and its session id becomes the one in use).
      const shared = this.sharing.get(roomId);
      if (shared) Object.assign(shared, { sessionId: null, used: 0, usedSince: Date.now() });
    }).catch(() => undefined);
  }

  /**
   * Devices that appeared after a room key went out (a member signed in on a new browser, or their keys reached
   * this device only now) get the current key at once rather than with the next message: otherwise the messages
   * already sent would stay unreadable on them. Only rooms this page has shared a key in are concerned; a device
   * that left makes the same check rotate the key. Several updates in a row make one check per room.
   */
  private shareWithNewDevices(matrixUserIds: readonly string[]): void {
    const changed = new Set(matrixUserIds);
    for (const [roomId, sharing] of this.sharing) {
      if (this.lateShares.has(roomId) || !sharing.members.some((id) => changed.has(e2eeUserId(id)))) continue;
      this.lateShares.add(roomId);
      setTimeout(() => {
        void this.inRoomQueue(roomId, async () => {
          this.lateShares.delete(roomId);
          const machine = this.machine;
          const wasm = this.wasm;
          if (!machine || !wasm || !this.sharing.has(roomId)) return;
          await this.shareRoomKey(wasm, machine, roomId, new wasm.RoomId(e2eeRoomId(roomId)), true);
        }).catch(() => this.lateShares.delete(roomId));
      }, LATE_SHARE_DELAY_MS);
    }
  }

  private discardRoomKey(roomId: string): Promise<unknown> {
    this.sharing.delete(roomId);
    return this.inRoomQueue(roomId, async () => {
      this.sharing.delete(roomId);
      if (this.machine && this.wasm) await this.machine.invalidateGroupSession(new this.wasm.RoomId(e2eeRoomId(roomId)));
    });
  }

  private inRoomQueue<T>(roomId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.roomQueues.get(roomId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.roomQueues.set(roomId, next);
    void next.finally(() => {
      if (this.roomQueues.get(roomId) === next) this.roomQueues.delete(roomId);
    }).catch(() => undefined);
    return next;
  }

  private failure(wasm: CryptoWasm, err: unknown): { reason: DecryptFailure; detail: string } {
    if (err instanceof wasm.MegolmDecryptionError) {
      const detail = err.maybe_withheld ?? err.description;
      if (err.code === wasm.DecryptionErrorCode.MissingRoomKey) return { reason: 'missing_key', detail };
      if (err.code === wasm.DecryptionErrorCode.UnknownMessageIndex) return { reason: 'unknown_index', detail };
      return { reason: 'invalid', detail };
    }
    return { reason: 'invalid', detail: err instanceof Error ? err.message : String(err) };
  }

  private switchUser(userId: string | null): void {
    if (userId === this.userId) return;
    const machine = this.machine;
    const device = this.deviceInfo();
    const previous = this.userId;
    this.userId = userId;
    this.machine = null;
    this.wasm = null;
    this.starting = null;
    this.roomQueues.clear();
    if (this.syncRetry) clearTimeout(this.syncRetry);
    this.syncRetry = null;
    this.syncFailures = 0;
    this.sharing.clear();
    this.lateShares.clear();
    this.deviceInfo.set(null);
    this.state.set('off');
    for (const listener of this.stopListeners) listener();
    machine?.close();
    // Signed out: the server removed this device with the session, so its keys here are of no more use.
    if (previous && device) {
      localStorage.removeItem(sinceKey(device.deviceId));
      void forgetStore(storeName(previous, device.deviceId));
    }
  }
}

/** "Chrome on Linux": what the device list calls this browser. */
export function describeBrowser(ua = typeof navigator === 'undefined' ? '' : navigator.userAgent): string {
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}

/**
 * The people who sent a verification request (`m.key.verification.request`, in clear over to-device) from a
 * device this machine has no keys for.
 */
async function unknownRequesters(wasm: CryptoWasm, machine: OlmMachine, events: readonly { type: string; sender: string; content: unknown }[]): Promise<string[]> {
  const out = new Set<string>();
  for (const e of events) {
    if (e.type !== 'm.key.verification.request' || out.has(e.sender)) continue;
    const from = (e.content as { from_device?: unknown } | null)?.from_device;
    if (typeof from !== 'string') continue;
    const device = await machine.getDevice(new wasm.UserId(e.sender), new wasm.DeviceId(from));
    if (device) device.free();
    else out.add(e.sender);
  }
  return [...out];
}
