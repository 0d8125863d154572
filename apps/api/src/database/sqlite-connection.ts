import type { DataSource } from 'typeorm';

/** A prepared better-sqlite3 statement (the part of its API Parley uses). */
export interface SqliteStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}

/** The better-sqlite3 connection under TypeORM, for code that runs synchronous transactions on it. */
export interface BetterSqliteDb {
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): { (): T; immediate(): T };
  readonly inTransaction: boolean;
}

export function sqliteConnection(dataSource: DataSource): BetterSqliteDb {
  return (dataSource.driver as unknown as { databaseConnection: BetterSqliteDb }).databaseConnection;
}

/** SQLite stores `YYYY-MM-DD HH:MM:SS.SSS` in UTC (TypeORM's format for datetime columns). */
export const sqliteTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
