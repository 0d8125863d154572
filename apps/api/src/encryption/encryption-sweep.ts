import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service';
import { KeyRing, SWEEP_JOB } from './key-ring';

/**
 * One kind of encrypted data, walked in key order by its owner: `reseal` rewrites, in one small step, the
 * items after `after` that are not stored as the current settings would store them (plaintext, or under a
 * retired data key), each only if nobody changed it meanwhile. `last` is the key of the last item looked at,
 * or null when there are no more.
 */
export interface SweepTask {
  name: string;
  reseal(after: string | null, limit: number): Promise<{ last: string | null; changed: number }>;
}

interface SweepCursor {
  /** When this pass began: it answers the requests made up to then. */
  startedAt: string;
  task: string;
  after: string | null;
  changed: number;
}

export interface SweepOptions {
  intervalMs: number;
  /** How long one run may go on before it leaves the rest to the next (less than the interval: runs never overlap). */
  budgetMs: number;
  batch: number;
  /** Breathing room between steps for the requests being served. */
  pauseMs: number;
}

const DEFAULTS: SweepOptions = { intervalMs: 10_000, budgetMs: 8_000, batch: 200, pauseMs: 5 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The background job that brings stored data in line with the key ring: it encrypts what is still plaintext
 * (encryption turned on for an existing installation) and re-encrypts what a retired data key encrypted
 * (data-key rotation). It runs when asked (JobsService.request), in one process at a time (the jobs module's
 * claims), in small steps while the server serves, and keeps its place in the jobs table after every step, so
 * a restart or a crash resumes where it stopped. Each owner of encrypted data registers a SweepTask.
 */
@Injectable()
export class EncryptionSweep implements OnApplicationBootstrap {
  private readonly logger = new Logger(EncryptionSweep.name);
  private readonly tasks: SweepTask[] = [];
  private options = DEFAULTS;

  constructor(
    private readonly keys: KeyRing,
    private readonly jobs: JobsService,
  ) {}

  /** Owners call this in their constructors; passes go through the tasks in this order. */
  register(task: SweepTask): void {
    this.tasks.push(task);
  }

  configure(options: Partial<SweepOptions>): this {
    this.options = { ...this.options, ...options };
    return this;
  }

  onApplicationBootstrap(): void {
    // With encryption off nothing is encrypted here; a process with it on does the work.
    if (this.keys.enabled) this.jobs.every(SWEEP_JOB, this.options.intervalMs, () => this.run());
  }

  /**
   * One run: goes on with the pass in progress, or starts one when one is wanted, for up to the budget.
   * Answers whether the pass is complete (or none was wanted).
   */
  async run(now = () => new Date()): Promise<boolean> {
    const { budgetMs, batch, pauseMs } = this.options;
    const deadline = Date.now() + budgetMs;
    const { cursor: saved, requestedAt } = await this.jobs.progress<SweepCursor>(SWEEP_JOB);
    if (!saved && (!requestedAt || requestedAt > now())) return true;
    // The current data key as the database has it now, not as this process last saw it.
    await this.keys.refresh();
    const cursor: SweepCursor = saved ?? { startedAt: now().toISOString(), task: this.tasks[0]?.name ?? '', after: null, changed: 0 };
    if (!saved) this.logger.log('Encrypting stored data in the background (plaintext, or under retired data keys)');
    for (;;) {
      const index = this.tasks.findIndex((t) => t.name === cursor.task);
      const task = this.tasks[index];
      if (!task) break;
      const step = await task.reseal(cursor.after, batch);
      cursor.changed += step.changed;
      if (step.last === null) {
        cursor.task = this.tasks[index + 1]?.name ?? '';
        cursor.after = null;
      } else {
        cursor.after = step.last;
      }
      await this.jobs.saveCursor(SWEEP_JOB, cursor);
      if (Date.now() >= deadline) return false;
      await sleep(pauseMs);
    }
    await this.jobs.finish(SWEEP_JOB, new Date(cursor.startedAt));
    this.logger.log(`Background encryption pass done: ${cursor.changed} item(s) encrypted under data key ${this.keys.currentKeyId}`);
    return true;
  }
}
