import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerReady } from './worker-ready';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { CheckpointResult, WalRestart } from './wal-restart';

/** How often the worker copies the WAL into the database file. */
const CHECKPOINT_INTERVAL_MS = 250;
/** SQLite's own default, put back if the worker stops. */
const AUTO_CHECKPOINT_PAGES = 1000;
/**
 * While the worker runs, the main connection still checkpoints once the WAL holds this many pages (about
 * 32 MB). Under a steady stream of commits the worker's PASSIVE checkpoints never copy the very last frames
 * (new ones arrive while they copy), and SQLite starts the WAL over only once all of it is copied, so
 * without this the file would grow without end. By the time the threshold is reached the worker has
 * copied all but the last few frames, so this checkpoint is short (those frames and two fsyncs), and it
 * lets the next commit start the WAL from the beginning.
 */
const WORKER_AUTO_CHECKPOINT_PAGES = 8192;
/** Frames (pages) in the WAL past which a send commit lets it start over (WalRestart), well before the above. */
const RESTART_AT_FRAMES = 6144;
const WORKER_FILE = join(__dirname, 'wal-checkpoint.worker.js');

/**
 * SQLite's automatic checkpoint runs inside whichever commit takes the WAL past 1,000 pages, on the
 * committing connection: the API's one connection, on the main thread. Copying the WAL into the database
 * file and fsyncing it takes milliseconds to tens of milliseconds under load, and no socket is served
 * meanwhile: it was a large part of the send path's p99. Here a worker thread with its own connection runs
 * PASSIVE checkpoints (which neither wait for nor block writers) every 250 ms, and the main connection's
 * automatic checkpoint waits for 8,192 pages instead of 1,000 while the worker runs (then it has little left
 * to copy; see WORKER_AUTO_CHECKPOINT_PAGES). If the worker fails, SQLite's default comes back.
 *
 * Even that last checkpoint took 12–37 ms inside a commit, so before the WAL reaches it, commits make room
 * for the WAL to start over (WalRestart, through `beforeCommit`).
 */
@Injectable()
export class WalCheckpoints implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WalCheckpoints.name);
  private worker: Worker | null = null;
  private restart: WalRestart | null = null;
  private nextId = 1;
  private readonly asked = new Map<number, (result: CheckpointResult) => void>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.database.type !== 'sqlite' || !existsSync(WORKER_FILE)) return;
    const worker = new Worker(WORKER_FILE, { workerData: { path: this.config.database.path, intervalMs: CHECKPOINT_INTERVAL_MS } });
    worker.unref();
    try {
      await workerReady(worker);
    } catch (err) {
      this.logger.warn(`WAL checkpoint worker did not start (${(err as Error).message}); SQLite checkpoints in the commits`);
      await worker.terminate();
      return;
    }
    const restart = new WalRestart(() => this.checkpointNow(worker), RESTART_AT_FRAMES);
    worker.on('message', (m: { type?: string; message?: string; id?: number } & CheckpointResult) => {
      if (m?.type === 'error') this.logger.warn(`WAL checkpoint failed: ${m.message}`);
      if (m?.type !== 'checkpointed') return;
      if (m.id === undefined) return restart.observe(m);
      this.asked.get(m.id)?.(m);
      this.asked.delete(m.id);
    });
    worker.on('error', (err) => this.logger.error(`WAL checkpoint worker failed: ${err.stack ?? err.message}`));
    worker.on('exit', () => {
      for (const answer of this.asked.values()) answer({ log: -1, checkpointed: -1 });
      this.asked.clear();
      if (this.worker !== worker) return;
      this.worker = null;
      this.restart = null;
      this.logger.warn('WAL checkpoint worker stopped; SQLite checkpoints in the commits again');
      void this.setAutoCheckpoint(AUTO_CHECKPOINT_PAGES);
    });
    this.worker = worker;
    this.restart = restart;
    await this.setAutoCheckpoint(WORKER_AUTO_CHECKPOINT_PAGES);
  }

  /**
   * Before a commit of the message writer (the bulk of the writes): nothing to wait for, or a pause of a few
   * milliseconds (at most 50) after which the commit starts the WAL over. Sends queue meanwhile.
   */
  beforeCommit(): Promise<void> | null {
    return this.restart?.beforeCommit() ?? null;
  }

  private checkpointNow(worker: Worker): Promise<CheckpointResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.asked.set(id, resolve);
      worker.postMessage({ type: 'checkpoint', id });
    });
  }

  private async setAutoCheckpoint(pages: number): Promise<void> {
    try {
      if (this.dataSource.isInitialized) await this.dataSource.query(`PRAGMA wal_autocheckpoint = ${pages}`);
    } catch (err) {
      this.logger.error(`Could not set wal_autocheckpoint: ${(err as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.restart = null;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('stop');
    await exited;
  }
}
