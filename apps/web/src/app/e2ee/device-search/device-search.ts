import { Injectable, inject } from '@angular/core';
import { E2eeDevice, parleyUserId } from '@parley/contracts';
import { AuthStore } from '../../core/auth-store';
import { Realtime } from '../../core/realtime';
import { DecryptedMessages, ReadEvent } from '../decrypted-messages';
import { E2ee, storeName } from '../e2ee';
import { DeviceSearchEntry, entryOf } from './device-search-entry';
import type { DeviceSearchHit, DeviceSearchIndex, DeviceSearchQuery } from './device-search-index';
import { DEVICE_SEARCH_DB_SUFFIX, SealedEntries } from './sealed-entries';

export type { DeviceSearchHit, DeviceSearchQuery } from './device-search-index';

/** Deletions heard before this device's encryption started, applied once it has (at most this many kept). */
const EARLY_REMOVALS_MAX = 1000;

/** How long a decrypted message waits to be written to the search database, with the others of that time. */
const WRITE_DELAY_MS = 500;

/** One device's entries: its sealed database, and once searched in this session, the index in memory. */
class DeviceEntries {
  private queue: Promise<unknown> = Promise.resolve();
  private store: Promise<SealedEntries> | null = null;
  /** The highest revision written per message this session (a deleted message: Infinity, it never comes back). */
  private readonly written = new Map<string, number>();
  private index: Promise<DeviceSearchIndex> | null = null;
  /** Entries not written yet (see `put`), by message. */
  private readonly pending = new Map<string, DeviceSearchEntry>();
  private writeTimer: ReturnType<typeof setTimeout> | null = null;
  /** The index once loaded: the tasks queued after the loading keep it up to date (those before, the loading reads). */
  private loaded: DeviceSearchIndex | null = null;
  gone = false;

  constructor(
    readonly deviceId: string,
    private readonly dbName: string,
  ) {}

  /** Runs tasks one after another, so that a write, a deletion and the loading of the index keep their order. */
  run<T>(task: (store: SealedEntries) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      if (this.gone) throw new Error('Signed out.');
      return task(await this.open());
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Keeps a decrypted message: searchable at once in this session's index (when loaded), written to the database
   * with the others of the next WRITE_DELAY_MS in two transactions, not two per message, so that a busy room's
   * search writes stay out of the way of the crypto store's reads for the next message.
   */
  put(entry: DeviceSearchEntry): void {
    if ((this.written.get(entry.messageId) ?? -1) >= entry.rev) return;
    this.written.set(entry.messageId, entry.rev);
    this.pending.set(entry.messageId, entry);
    this.loaded?.put(entry);
    this.writeTimer ??= setTimeout(() => this.writePending(), WRITE_DELAY_MS);
  }

  /** Writes the entries waiting (at once: before the index loads, and when the page is being left). */
  writePending(): void {
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = null;
    if (this.pending.size === 0) return;
    const entries = [...this.pending.values()];
    this.pending.clear();
    void this.run(async (store) => {
      // An index loading meanwhile read the database before these were in it.
      for (const entry of await store.putNewer(entries)) this.loaded?.put(entry);
    }).catch(() => undefined);
  }

  remove(messageIds: readonly string[]): void {
    for (const id of messageIds) {
      this.written.set(id, Infinity);
      this.pending.delete(id);
    }
    void this.run(async (store) => {
      await store.remove(messageIds);
      for (const id of messageIds) this.loaded?.remove(id);
    }).catch(() => undefined);
  }

  removeRoom(roomId: string): Promise<void> {
    for (const [id, entry] of this.pending) if (entry.roomId === roomId) this.pending.delete(id);
    return this.run(async (store) => {
      await store.removeRoom(roomId);
      this.loaded?.removeRoom(roomId);
    });
  }

  /** The index in memory, loaded (decrypting every entry) the first time it is asked for. */
  load(): Promise<DeviceSearchIndex> {
    if (!this.index) this.writePending();
    this.index ??= this.run(async (store) => {
      // The ranking library is loaded only when search is first used.
      const { DeviceSearchIndex } = await import('./device-search-index');
      const index = new DeviceSearchIndex();
      for (const entry of await store.all()) index.put(entry);
      this.loaded = index;
      return index;
    });
    this.index.catch(() => (this.index = null));
    return this.index;
  }

  close(): void {
    this.gone = true;
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = null;
    this.pending.clear();
    this.index = null;
    this.loaded = null;
    void this.store?.then((s) => s.close()).catch(() => undefined);
  }

  private open(): Promise<SealedEntries> {
    this.store ??= SealedEntries.open(this.dbName, () => this.close());
    this.store.catch(() => (this.store = null));
    return this.store;
  }
}

/**
 * The search in encrypted rooms, on this device: every message this device decrypts is kept, sealed, in an
 * IndexedDB database of the device (`SealedEntries`); an edit replaces it, a deletion removes it, and leaving a
 * room drops that room's messages (as the server's search stops finding a room's messages once you leave
 * it). The first search of a session loads the entries into memory (`DeviceSearchIndex`); queries never leave
 * the browser. Signing out deletes the database with the device's crypto store.
 */
@Injectable({ providedIn: 'root' })
export class DeviceSearch {
  private readonly e2ee = inject(E2ee);
  private readonly auth = inject(AuthStore);
  private current: DeviceEntries | null = null;
  private readonly earlyRemovals = new Set<string>();

  constructor() {
    inject(DecryptedMessages).onRead((event) => this.read(event));
    const realtime = inject(Realtime);
    realtime.on('message:deleted', ({ messageId }) => this.remove([messageId]));
    realtime.on('room:left', ({ roomId, userId }) => {
      if (userId === this.auth.user()?.id) void this.entries()?.removeRoom(roomId).catch(() => undefined);
    });
    // The last messages' entries still waiting are written as the page goes away (closed, reloaded, hidden).
    const writeNow = () => this.current?.writePending();
    globalThis.addEventListener?.('pagehide', writeNow);
    globalThis.document?.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && writeNow());
  }

  /**
   * The messages of encrypted rooms this device has decrypted that match, best first (see DeviceSearchIndex);
   * `inRooms`: the rooms I am in now, when known (entries of any other room are dropped). Empty when
   * encryption cannot start in this browser.
   */
  async search(query: DeviceSearchQuery): Promise<DeviceSearchHit[]> {
    // Asked for when I am in an encrypted room: this device's encryption is starting already, or starts now.
    if (!this.e2ee.device()) await this.e2ee.start().catch(() => undefined);
    const entries = this.entries();
    if (!entries) return [];
    const index = await entries.load();
    if (query.inRooms) {
      for (const roomId of index.rooms()) if (!query.inRooms.has(roomId)) await entries.removeRoom(roomId).catch(() => undefined);
    }
    return index.search(query);
  }

  private read(event: ReadEvent): void {
    if (event.kind === 'deleted') {
      this.remove([event.message.id]);
      return;
    }
    this.entries()?.put(entryOf(event.message, event.content));
  }

  private remove(messageIds: readonly string[]): void {
    const entries = this.entries();
    if (entries) entries.remove(messageIds);
    else if (this.earlyRemovals.size < EARLY_REMOVALS_MAX) for (const id of messageIds) this.earlyRemovals.add(id);
  }

  /**
   * The entries of this browser's device now, read at every use: after a sign-out nothing is written to the old
   * device's database, and `forgetStore` deleting it closes it here (and drops the entries held in memory).
   */
  private entries(device: E2eeDevice | null = this.e2ee.device()): DeviceEntries | null {
    if (this.current && this.current.deviceId === device?.deviceId && !this.current.gone) return this.current;
    this.current?.close();
    this.current = null;
    const userId = device ? parleyUserId(device.userId) : null;
    if (!device || !userId) return null;
    this.current = new DeviceEntries(device.deviceId, `${storeName(userId, device.deviceId)}${DEVICE_SEARCH_DB_SUFFIX}`);
    if (this.earlyRemovals.size) {
      this.current.remove([...this.earlyRemovals]);
      this.earlyRemovals.clear();
    }
    return this.current;
  }
}
