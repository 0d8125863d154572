import type { DataSource, EntityManager } from 'typeorm';

/**
 * better-sqlite3 is one connection, and TypeORM gives every caller the same query runner: two requests that
 * each open a transaction at the same time would nest or interleave on it ("cannot start a transaction
 * within a transaction", or one request's rollback undoing the other's writes). On SQLite, transactions
 * therefore run one at a time, in arrival order. Code inside a transaction must use the EntityManager it is
 * given (never the global one), as it already should. PostgreSQL has a pool and needs none of this.
 *
 * They also begin IMMEDIATE (taking the write lock at once, waiting for it up to busy_timeout): a deferred
 * transaction that reads and then writes fails at once (SQLITE_BUSY) when another connection wrote in
 * between, such as `keys:rotate` re-wrapping keys while the server runs. The server being the only writer
 * otherwise, taking the lock first costs nothing.
 */
export function serializeTransactions(dataSource: DataSource): void {
  // The driver's one query runner, shared by every caller.
  const runner = dataSource.createQueryRunner() as unknown as { query: (sql: string, ...rest: unknown[]) => Promise<unknown> };
  const query = runner.query.bind(runner);
  runner.query = (sql: string, ...rest: unknown[]) => query(sql === 'BEGIN TRANSACTION' ? 'BEGIN IMMEDIATE TRANSACTION' : sql, ...rest);

  const manager: EntityManager = dataSource.manager;
  const original = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  (manager as { transaction: unknown }).transaction = (...args: unknown[]) => {
    const run = tail.then(() => original(...args));
    tail = run.catch(() => undefined);
    return run;
  };
}
