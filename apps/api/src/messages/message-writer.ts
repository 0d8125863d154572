import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { sqliteConnection } from '../database/sqlite-connection';
import { WalCheckpoints } from '../database/wal-checkpoints';
import { KeyRing } from '../encryption/key-ring';
import { MessageSealing } from './message-sealing';
import { MessageStore, PostgresMessageStore, SendOutcome, SendRequest, SqliteMessageStore } from './message-store';

/** The most sends one transaction carries; more wait for the next one. */
const MAX_BATCH = 512;

/**
 * On SQLite, the least time between the starts of two commits. A commit's cost is mostly the pages it
 * rewrites (the rooms' rows and index pages, the read markers) and writing them to the WAL, whatever the
 * number of messages, and it stops the event loop. Under load, waiting a moment after a commit lets more
 * sends join the next one: at 2,000 sends/s batches grew from ~4 to 7–12 sends, server CPU at a fixed rate
 * fell ~8–10 % and the most sustained rose (docs/benchmarks.md, "Fewer, larger commits"). A send that arrives
 * after a quiet moment still commits at once. On PostgreSQL the commit is a round trip that does not stop
 * the event loop: batches already form while it is in flight.
 */
const SQLITE_COMMIT_SPACING_MS = 2;

/** What one group commit did, for observers (the metrics endpoint). */
export interface CommitFigures {
  /** Sends the transaction carried. */
  messages: number;
  /** Its duration, from the start of the transaction to its end. */
  seconds: number;
}

interface Pending {
  req: SendRequest;
  resolve: (outcome: SendOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for message sends. Sends that arrive while a commit is in flight (or in the same turn of
 * the event loop) queue up and go to the database together in the next transaction; every caller's
 * promise settles only after that transaction has committed. One commit is in flight at a time, which
 * also keeps each room's seqs in arrival order. On SQLite commits start at least SQLITE_COMMIT_SPACING_MS
 * apart.
 */
@Injectable()
export class MessageWriter implements OnApplicationShutdown {
  private readonly logger = new Logger(MessageWriter.name);
  readonly store: MessageStore;
  private queue: Pending[] = [];
  private flushing = false;
  private scheduled = false;
  /** When the last commit started (performance.now()). */
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  /** The least time between the starts of two commits (SQLITE_COMMIT_SPACING_MS on SQLite, 0 on PostgreSQL). */
  commitSpacingMs: number;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;
  /** Figures for the metrics endpoint and the benchmark: commits and messages committed. */
  readonly stats = { commits: 0, messages: 0, maxBatch: 0 };
  private readonly commitObservers: ((figures: CommitFigures) => void)[] = [];

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    keys: KeyRing,
    @Optional() private readonly wal?: WalCheckpoints,
  ) {
    const sealing = new MessageSealing(keys);
    this.commitSpacingMs = config.database.type === 'postgres' ? 0 : SQLITE_COMMIT_SPACING_MS;
    this.store =
      config.database.type === 'postgres'
        ? new PostgresMessageStore(dataSource, sealing)
        : new SqliteMessageStore(sqliteConnection(dataSource), sealing);
  }

  /** Calls `observer` after every successful group commit. */
  onCommit(observer: (figures: CommitFigures) => void): void {
    this.commitObservers.push(observer);
  }

  /** An observer's failure is logged; it never fails sends that have committed. */
  private notifyCommit(figures: CommitFigures): void {
    for (const observe of this.commitObservers) {
      try {
        observe(figures);
      } catch (err) {
        this.logger.warn(`A commit observer failed: ${(err as Error).message}`);
      }
    }
  }

  send(req: SendRequest): Promise<SendOutcome> {
    return new Promise<SendOutcome>((resolve, reject) => {
      if (this.queue.length === 0 && !this.flushing) this.idle = new Promise((r) => (this.markIdle = r));
      this.queue.push({ req, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      void this.flush();
    };
    // setImmediate: let every send that arrived in this turn of the event loop join the batch; right after
    // a commit, wait out the spacing (unless a whole batch is waiting already).
    const wait = this.lastCommitAt + this.commitSpacingMs - performance.now();
    if (wait > 0 && this.queue.length < MAX_BATCH) setTimeout(run, wait);
    else setImmediate(run);
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    let batch: Pending[] = [];
    try {
      // On SQLite, now and then a pause of a few milliseconds lets the WAL start over with this commit
      // (WalCheckpoints.beforeCommit); sends that arrive meanwhile join the batch.
      const pause = this.wal?.beforeCommit();
      if (pause) await pause;
      batch = this.queue.splice(0, MAX_BATCH);
      const started = performance.now();
      this.lastCommitAt = started;
      const outcomes = await this.store.commitSends(
        batch.map((p) => p.req),
        new Date(),
      );
      this.stats.commits += 1;
      this.stats.messages += batch.length;
      this.stats.maxBatch = Math.max(this.stats.maxBatch, batch.length);
      batch.forEach((p, i) => p.resolve(outcomes[i]));
      this.notifyCommit({ messages: batch.length, seconds: (performance.now() - started) / 1000 });
    } catch (err) {
      this.logger.error(`Message batch of ${batch.length} failed: ${(err as Error).stack ?? String(err)}`);
      batch.forEach((p) => p.reject(err));
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
      else this.markIdle();
    }
  }

  /** Waits for queued sends to commit (shutdown drains before the database closes). */
  async onApplicationShutdown(): Promise<void> {
    await this.idle;
  }
}
