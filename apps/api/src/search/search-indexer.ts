import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Message, MessageKind } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { KeyRing } from '../encryption/key-ring';
import { AppEvents } from '../events/app-events';
import { JobsService } from '../jobs/jobs.service';
import { MessageSearchReads } from '../messages/message-search-reads';
import { RoomRevisions } from '../rooms/room-revisions';
import { RecentChanges } from './recent-changes';
import { DocText, SearchPeriod, SearchStore, searchStore } from './search-store';
import { messageOrd, NO_KEY_PERIOD, ROOM_ORD_LIMIT, SEQ_SPAN, SearchTokens } from './search-tokens';

/**
 * Messages indexed per transaction. Each batch rewrites pages all over its room's newest bucket of postings, so
 * larger batches cost much less a message (SQLite, 10 rooms of 200-character messages of prose: about 0.6 ms
 * a message in batches of 16, 0.3 ms in batches of 64; `npm run bench:search-writes`). On SQLite a batch this
 * process did not send itself is read and decrypted synchronously on the event loop (about 10 µs a message)
 * while the index file's worker computes tokens and writes postings; on PostgreSQL the work is in the database server and round trips dominate.
 */
const BATCH = { sqlite: 64, postgres: 512 };
/** A pass over every room (the fallback for changes made by other processes, or missed events). */
const POLL_MS = 2_000;
/**
 * After a message event, the pass waits this long so a burst of sends is indexed in a few larger batches
 * (messages stay searchable well within a second).
 */
const WAKE_DELAY_MS = 250;
/** How long a process's claim of a room lasts if it dies while indexing it. */
const ROOM_LEASE_MS = 15_000;
/** Messages of a retired key period removed per step. */
const DROP_STEP = 500;

const claimName = (roomId: string) => `search.index:${roomId}`;

/**
 * Whether a message is found by search: a person's message that is not deleted, and not end-to-end encrypted
 * (the server cannot read those; clients search them on the device).
 */
export function isSearchable(m: Pick<Message, 'kind' | 'deletedAt' | 'encrypted'>): boolean {
  return m.kind === MessageKind.User && m.deletedAt === null && m.encrypted === null;
}

/**
 * Keeps the search index in step with messages, off the send path. Each room's messages carry the room's
 * change revision (`rev`, above every earlier change); the index keeps, per key period and room, the rev it
 * has indexed up to (`search_cursors`) and indexes every message above it in batches, each batch and the
 * cursor's move in one transaction: a restart or a crash resumes exactly there. Edits re-index a message,
 * deletions remove it. Message events wake it (searchable within about a second); a poll every two seconds
 * catches what other processes wrote. A room is claimed (the jobs table) while a process indexes it, and a
 * batch applies only if the cursor is still where it was read, so two processes never index a change twice.
 *
 * Key periods: the index is keyed by the current data key. After a data-key rotation a new period is built
 * (`building`) while the old one keeps answering (and keeps being updated); once every room is indexed in
 * the new one, it answers alone and the old one's rows are dropped in steps.
 */
@Injectable()
export class SearchIndexer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SearchIndexer.name);
  readonly store: SearchStore;
  readonly tokens: SearchTokens;
  private readonly batch: number;
  private readonly woken = new Set<string>();
  private wakeTimer?: NodeJS.Timeout;
  private pollTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again: 'rooms' | 'all' | null = null;
  /** Passes run on their own (timers, events) once the app has started, with SEARCH_INDEXING on. */
  private started = false;
  private stopped = false;
  /** Figures for the benchmark and the docs: messages indexed by this process. */
  readonly stats = { messages: 0, batches: 0, fromMemory: 0 };
  /** This process's own changes, indexed without reading them back from the database. */
  private readonly recent = new RecentChanges();

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly keys: KeyRing,
    private readonly jobs: JobsService,
    private readonly reads: MessageSearchReads,
    private readonly rooms: RoomRevisions,
    events: AppEvents,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'search'>,
  ) {
    this.store = searchStore(dataSource);
    this.batch = dataSource.options.type === 'postgres' ? BATCH.postgres : BATCH.sqlite;
    this.tokens = new SearchTokens(keys);
    const wake = ({ message }: { message: Message }) => {
      if (!this.started || this.stopped) return;
      this.recent.record(message);
      this.wake(message.roomId);
    };
    events.on('message.created', wake);
    events.on('message.edited', wake);
    events.on('message.deleted', wake);
  }

  onApplicationBootstrap(): void {
    if (!this.config.search.indexing) return;
    this.started = true;
    this.schedule('all');
    this.pollTimer = setInterval(() => this.schedule('all'), POLL_MS);
    this.pollTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.wakeTimer);
    await this.running?.catch(() => undefined);
    await this.store.close();
  }

  /** A room changed: index it soon. */
  wake(roomId: string): void {
    if (!this.started || this.stopped) return;
    this.woken.add(roomId);
    if (this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.schedule('rooms');
    }, WAKE_DELAY_MS);
    this.wakeTimer.unref();
  }

  /** Runs a pass now, or right after the one in progress. */
  private schedule(scope: 'rooms' | 'all'): void {
    if (!this.started || this.stopped) return;
    if (this.running) {
      this.again = this.again === 'all' || scope === 'all' ? 'all' : 'rooms';
      return;
    }
    this.running = this.pass(scope)
      .catch((err: Error) => this.logger.warn(`Search indexing failed: ${err.message}`))
      .finally(() => {
        this.running = undefined;
        const next = this.again;
        this.again = null;
        if (next) this.schedule(next);
      });
  }

  /** Resolves once no pass is running and nothing is waiting (tests and the benchmark wait on it). */
  async idle(): Promise<void> {
    while (this.running || this.wakeTimer) await (this.running ?? new Promise((r) => setTimeout(r, WAKE_DELAY_MS)));
  }

  /** The key period new index rows are keyed by: the current data key's. */
  private currentKeyId(): string {
    return this.keys.currentKeyId ?? NO_KEY_PERIOD;
  }

  /** One pass: every live key period brought up to date for the rooms in scope, then rotations moved along. */
  async pass(scope: 'rooms' | 'all' = 'all'): Promise<void> {
    let periods = await this.store.periods();
    const keyId = this.currentKeyId();
    if (!periods.some((p) => p.keyId === keyId)) {
      await this.store.addPeriod(keyId, periods.some((p) => p.state === 'ready') ? 'building' : 'ready');
      periods = await this.store.periods();
      scope = 'all';
    }
    const woken = [...this.woken];
    this.woken.clear();
    const revisions = scope === 'all' ? await this.rooms.all() : await this.rooms.of(woken);
    const live = periods.filter((p) => p.state !== 'retiring').sort((a, b) => (a.state === b.state ? a.id - b.id : a.state === 'ready' ? -1 : 1));
    await this.resetAhead(live, revisions);
    let complete = true;
    for (const period of live) {
      const cursors = await this.store.cursors(period.id);
      const behind = revisions.filter((r) => r.lastRev > (cursors.get(r.id) ?? 0));
      if (!behind.length) continue;
      const ords = await this.store.roomOrds(behind.map((r) => r.id));
      for (const room of behind) {
        if (this.stopped) return;
        const done = await this.indexRoom(period, room.id, ords.get(room.id)!, cursors.get(room.id) ?? 0, room.lastRev);
        if (!done && period.state === 'building') complete = false;
      }
    }
    if (scope === 'all' && !this.stopped) await this.moveRotation(live, complete);
  }

  /**
   * A room whose index is past its last change (the database was restored from a backup older than the index:
   * the index holds changes the database has lost, and the room's next messages would take their places
   * unindexed) is indexed again from the start, under every period.
   */
  private async resetAhead(live: SearchPeriod[], revisions: { id: string; lastRev: number }[]): Promise<void> {
    const ahead = new Set<string>();
    for (const period of live) {
      const cursors = await this.store.cursors(period.id);
      for (const r of revisions) if ((cursors.get(r.id) ?? 0) > r.lastRev) ahead.add(r.id);
    }
    if (!ahead.size) return;
    // Read again after the cursors: another process may have indexed changes made since `revisions` was read.
    const cursors = await Promise.all(live.map((p) => this.store.cursors(p.id)));
    const stale = (await this.rooms.of([...ahead])).filter((r) => cursors.some((c) => (c.get(r.id) ?? 0) > r.lastRev)).map((r) => r.id);
    if (!stale.length) return;
    const ords = await this.store.roomOrds(stale);
    for (const roomId of stale) {
      const lo = messageOrd(ords.get(roomId)!, 0);
      await this.store.resetRoom(roomId, lo, lo + SEQ_SPAN - 1);
      this.logger.warn(`Search index: room ${roomId} was indexed past its last change (a restored backup?); indexing it again`);
    }
  }

  /**
   * Indexes a room's changes from `from` up to at least `lastRev`, if this process can claim the room. True
   * when the room is caught up (by this process or, it turned out, another).
   */
  private async indexRoom(period: SearchPeriod, roomId: string, roomOrd: number, from: number, lastRev: number): Promise<boolean> {
    if (roomOrd >= ROOM_ORD_LIMIT) throw new Error(`The search index holds at most ${ROOM_ORD_LIMIT} rooms`);
    if (!(await this.jobs.claim(claimName(roomId), ROOM_LEASE_MS))) return false;
    try {
      const key = await this.tokens.keyOf(period.keyId);
      let cursor = from;
      const started = Date.now();
      // While the worker writes one batch, the next is read and decrypted here: at most one write in flight.
      // Writes apply in order and each only from where the previous one left the cursor.
      let pending: { applied: Promise<boolean>; count: number } | null = null;
      const settle = async (): Promise<boolean> => {
        if (!pending) return true;
        const { applied, count } = pending;
        pending = null;
        if (!(await applied)) return false;
        this.stats.messages += count;
        this.stats.batches += 1;
        return true;
      };
      try {
        while (cursor < lastRev && !this.stopped) {
          const known = this.recent.since(roomId, cursor, this.batch);
          if (known) this.stats.fromMemory += known.messages.length;
          const { messages, lastRev: read } = known ?? (await this.reads.changedSince(roomId, cursor, this.batch));
          const to = read ?? lastRev;
          const docs: DocText[] = messages.map((m) => ({
            ord: messageOrd(roomOrd, m.seq),
            text: isSearchable(m) ? { body: m.body, names: m.attachments.map((a) => a.name) } : null,
          }));
          const applied = this.store.apply(period.id, key, roomId, cursor, to, docs);
          // Awaited below (settle); until then a failure must not count as unhandled.
          applied.catch(() => undefined);
          // The previous batch lost to another process: so does this one (its cursor check fails too).
          if (!(await settle())) {
            await applied.catch(() => undefined);
            return true;
          }
          pending = { applied, count: messages.length };
          cursor = to;
          await new Promise((r) => setImmediate(r));
          // A long catch-up renews the claim well before it would lapse.
          if (Date.now() - started > ROOM_LEASE_MS / 2) return !(await settle());
        }
        if (!(await settle())) return true;
        return cursor >= lastRev;
      } finally {
        // Never leave a write behind the claim's release (nor unobserved).
        await pending?.applied.catch(() => undefined);
      }
    } finally {
      await this.jobs.release(claimName(roomId));
    }
  }

  /**
   * A building period whose every room is indexed starts answering alone; periods it replaces retire, and a
   * retired period's rows are dropped a step at a time (then the period itself).
   */
  private async moveRotation(live: SearchPeriod[], complete: boolean): Promise<void> {
    const building = live.filter((p) => p.state === 'building');
    const newest = building[building.length - 1];
    if (newest && complete && newest.keyId === this.currentKeyId()) {
      for (const p of live) if (p.id !== newest.id) await this.store.setState(p.id, 'retiring');
      await this.store.setState(newest.id, 'ready');
      this.logger.log(`Search index: key period ${newest.keyId} is complete and answers searches now`);
    }
    for (const p of (await this.store.periods()).filter((x) => x.state === 'retiring')) {
      while (!this.stopped && (await this.store.dropDocs(p.id, DROP_STEP)) > 0) await new Promise((r) => setImmediate(r));
      if (!this.stopped) await this.store.deletePeriod(p.id);
    }
  }
}
