import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { hostname } from 'node:os';
import { LessThanOrEqual, Repository } from 'typeorm';
import { JobEntity } from './job.entity';

/**
 * Background jobs that run once across every API process. Each process ticks every interval; the database
 * decides which tick runs: `claim` moves the job's `nextRunAt` forward with one conditional UPDATE, which
 * only one process can win (the same statement on SQLite and PostgreSQL). A process that dies mid-run costs
 * one run; the next interval's claim runs it again.
 */
@Injectable()
export class JobsService implements OnApplicationShutdown {
  private readonly logger = new Logger(JobsService.name);
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly me = `${hostname()}:${process.pid}`.slice(0, 128);
  private stopped = false;

  constructor(@InjectRepository(JobEntity) private readonly jobs: Repository<JobEntity>) {}

  /**
   * Claims a run of `name` when no process has run it within the last `intervalMs`: true for exactly one
   * caller per interval, whichever process asks first.
   */
  async claim(name: string, intervalMs: number, now = new Date()): Promise<boolean> {
    await this.ensureRow(name);
    const claimed = await this.jobs.update(
      { name, nextRunAt: LessThanOrEqual(now) },
      { nextRunAt: new Date(now.getTime() + intervalMs), claimedAt: now, claimedBy: this.me },
    );
    return claimed.affected === 1;
  }

  /** Ends this process's claim of `name` early, so any process may claim it again at once. */
  async release(name: string): Promise<void> {
    await this.jobs.update({ name, claimedBy: this.me }, { nextRunAt: new Date(0) });
  }

  /**
   * Asks for a run of a job that works on request, from `at` on: the job answers requests made up to the
   * start of a complete pass (see `finish`). A later request is never replaced by an earlier one.
   */
  async request(name: string, at = new Date()): Promise<void> {
    await this.ensureRow(name);
    await this.jobs
      .createQueryBuilder()
      .update(JobEntity)
      .set({ requestedAt: at })
      .where('name = :name AND ("requestedAt" IS NULL OR "requestedAt" < :at)', { name, at })
      .execute();
  }

  /** Where the job stopped (null before its first step or after a finished pass) and since when a run is wanted. */
  async progress<T>(name: string): Promise<{ cursor: T | null; requestedAt: Date | null }> {
    const row = await this.jobs.findOne({ where: { name }, select: { name: true, cursor: true, requestedAt: true } });
    return { cursor: row?.cursor ? (JSON.parse(row.cursor) as T) : null, requestedAt: row?.requestedAt ?? null };
  }

  /** Records the job's place after a step (the step's own writes are committed first). */
  async saveCursor(name: string, cursor: unknown): Promise<void> {
    await this.jobs.update({ name }, { cursor: JSON.stringify(cursor) });
  }

  /** A pass that started at `startedAt` went through everything: requests made up to then are answered. */
  async finish(name: string, startedAt: Date): Promise<void> {
    await this.jobs.update({ name, requestedAt: LessThanOrEqual(startedAt) }, { requestedAt: null });
    await this.jobs.update({ name }, { cursor: null });
  }

  private async ensureRow(name: string): Promise<void> {
    await this.jobs.createQueryBuilder().insert().into(JobEntity).values({ name, nextRunAt: new Date(0), claimedAt: null, claimedBy: null }).orIgnore().execute();
  }

  /** Runs `run` about every `intervalMs` (and soon after start-up), in whichever process claims each run. */
  every(name: string, intervalMs: number, run: () => Promise<unknown>): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        if (!(await this.claim(name, intervalMs))) return;
        const job = run();
        this.running.add(job);
        await job.finally(() => this.running.delete(job));
      } catch (err) {
        this.logger.warn(`Job ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    // A little after start-up, so a restart does not wait a whole interval; then on every interval.
    const first = setTimeout(() => void tick(), Math.min(intervalMs, 5000));
    const timer = setInterval(() => void tick(), intervalMs);
    first.unref();
    timer.unref();
    this.timers.add(first).add(timer);
  }

  /** Stops ticking and waits for runs in progress (before the database closes). */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled([...this.running]);
  }
}
