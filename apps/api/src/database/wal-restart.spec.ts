import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointResult, WalRestart } from './wal-restart';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3');

interface Db {
  pragma(sql: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): { run(...params: unknown[]): unknown; get(...params: unknown[]): unknown };
  close(): void;
}

describe('WalRestart (the WAL starting over between commits)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'parley-wal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * A database written by one connection and checkpointed by another, PASSIVE, every 50 commits, each periodic
   * checkpoint ending a frame short (a commit of the moment is beyond what it copies: here a reader holds the
   * snapshot before it, as a commit racing the worker's checkpoint does). Returns the WAL's size in frames at
   * each periodic checkpoint.
   */
  async function steadyWrites(restartAtFrames: number | null): Promise<{ logs: number[]; pauses: number }> {
    const file = join(dir, `w-${restartAtFrames}.sqlite`);
    const main: Db = new Database(file);
    main.pragma('journal_mode = WAL');
    main.pragma('synchronous = NORMAL');
    main.pragma('wal_autocheckpoint = 0');
    main.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const worker: Db = new Database(file);
    const reader: Db = new Database(file);
    const checkpoint = async () => (worker.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[])[0]!;
    const restart = restartAtFrames === null ? null : new WalRestart(checkpoint, restartAtFrames);
    const insert = main.prepare('INSERT INTO t (v) VALUES (?)');
    const logs: number[] = [];
    try {
      for (let i = 1; i <= 1000; i++) {
        const pause = restart?.beforeCommit();
        if (pause) await pause;
        insert.run(`message ${i}`.padEnd(200, '.'));
        if (i % 50 === 0) {
          reader.exec('BEGIN');
          reader.prepare('SELECT count(*) FROM t').get();
          insert.run('a commit racing the checkpoint');
          const result = await checkpoint();
          reader.exec('COMMIT');
          logs.push(result.log);
          restart?.observe(result);
        }
      }
      return { logs, pauses: restart?.stats.pauses ?? 0 };
    } finally {
      for (const db of [reader, worker, main]) db.close();
    }
  }

  it('keeps the WAL near the threshold under steady writes, where periodic checkpoints alone let it grow', async () => {
    const alone = await steadyWrites(null);
    // Every periodic checkpoint ends short, so the WAL never starts over: it holds every commit so far.
    expect(alone.logs.at(-1)).toBeGreaterThan(1000);
    expect(alone.logs).toEqual([...alone.logs].sort((a, b) => a - b));

    const withRestarts = await steadyWrites(200);
    expect(withRestarts.pauses).toBeGreaterThan(2);
    expect(Math.max(...withRestarts.logs)).toBeLessThan(200 + 2 * 60);
  });

  it('pauses one commit per time the WAL is found past the threshold, never longer than its limit', async () => {
    let answer: (r: CheckpointResult) => void = () => undefined;
    let asked = 0;
    const restart = new WalRestart(
      () => {
        asked += 1;
        return new Promise((resolve) => (answer = resolve));
      },
      100,
      30,
    );
    restart.observe({ log: 99, checkpointed: 99 });
    expect(restart.beforeCommit()).toBeNull();
    expect(asked).toBe(0);

    // Past the threshold: a first checkpoint runs while commits go on…
    restart.observe({ log: 150, checkpointed: 140 });
    expect(asked).toBe(1);
    expect(restart.beforeCommit()).toBeNull();
    answer({ log: 151, checkpointed: 151 });
    await new Promise((r) => setImmediate(r));
    // …then the next commit waits for a second one.
    const pause = restart.beforeCommit();
    expect(pause).not.toBeNull();
    // Commits that come while it lasts wait for the same pause; no second checkpoint is asked for.
    expect(restart.beforeCommit()).toBe(pause);
    answer({ log: 152, checkpointed: 152 });
    await pause;
    expect(restart.beforeCommit()).toBeNull();
    expect(asked).toBe(2);

    // A checkpoint that never answers holds commits for the limit only.
    restart.observe({ log: 200, checkpointed: 190 });
    answer({ log: 201, checkpointed: 201 });
    await new Promise((r) => setImmediate(r));
    const started = Date.now();
    await restart.beforeCommit();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(restart.beforeCommit()).toBeNull();
    expect(restart.stats.pauses).toBe(2);
  });
});
