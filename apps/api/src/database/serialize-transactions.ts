import type { DataSource, EntityManager } from 'typeorm';

/**
 * better-sqlite3 is one connection, and TypeORM gives every caller the same query runner: two requests that
 * each open a transaction at the same time would nest or interleave on it ("cannot start a transaction
 * within a transaction", or one request's rollback undoing the other's writes). On SQLite, transactions
 * therefore run one at a time, in arrival order. Code inside a transaction must use the EntityManager it is
 * given (never the global one), as it already should. PostgreSQL has a pool and needs none of this.
 */
export function serializeTransactions(dataSource: DataSource): void {
  const manager: EntityManager = dataSource.manager;
  const original = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  (manager as { transaction: unknown }).transaction = (...args: unknown[]) => {
    const run = tail.then(() => original(...args));
    tail = run.catch(() => undefined);
    return run;
  };
}
