/** What `PRAGMA wal_checkpoint` reports: frames in the WAL, and how many of them are copied into the database. */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

/**
 * Lets the WAL start over without a checkpoint inside a commit.
 *
 * SQLite writes the WAL from its beginning again only when a write starts after a checkpoint has copied every
 * frame. The checkpoint worker's PASSIVE checkpoints run while commits go on, so under steady writes each one
 * ends a few frames short, the WAL grows, and at `wal_autocheckpoint` pages the main connection checkpoints
 * inside a commit: the last frames and two fsyncs, 12–37 ms with the event loop stopped, once a second or so at
 * 1,100 sends/s (docs/benchmarks.md, "Cheaper tokens, and the WAL starting over between commits").
 *
 * Here, once a periodic checkpoint finds the WAL past `restartAtFrames`, another one copies and syncs what
 * came meanwhile, then the next commit waits (without stopping the event loop: sends queue meanwhile) for a
 * last one, which has only the frames of those few milliseconds to copy and nothing new arriving; that
 * commit then starts the WAL over. A checkpoint that does not answer within `maxPauseMs` stops holding
 * commits.
 */
export class WalRestart {
  private due = false;
  private preparing = false;
  private pause: Promise<void> | null = null;
  /** Pauses taken (the spec reads it). */
  readonly stats = { pauses: 0 };

  constructor(
    private readonly checkpoint: () => Promise<CheckpointResult>,
    private readonly restartAtFrames: number,
    private readonly maxPauseMs = 50,
  ) {}

  /**
   * A periodic checkpoint's result. Past the threshold, one more checkpoint runs at once, without holding
   * commits: it copies and syncs what came during the periodic one, so that the pause before the commit
   * that starts the WAL over has only the frames of a few milliseconds to copy and sync.
   */
  observe(result: CheckpointResult): void {
    if (result.log < this.restartAtFrames || this.due || this.preparing) return;
    this.preparing = true;
    void this.checkpoint()
      .then(
        () => (this.due = true),
        () => undefined,
      )
      .finally(() => (this.preparing = false));
  }

  /** Before a commit: nothing to wait for, or the short pause that lets the WAL start over. */
  beforeCommit(): Promise<void> | null {
    if (this.pause || !this.due) return this.pause;
    this.due = false;
    this.stats.pauses += 1;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.maxPauseMs)));
    const copied = this.checkpoint().then(
      () => undefined,
      () => undefined,
    );
    this.pause = Promise.race([copied, timeout]).finally(() => {
      clearTimeout(timer);
      this.pause = null;
    });
    return this.pause;
  }
}
