import { QueryFailedError } from 'typeorm';

/** The database's error code: TypeORM's QueryFailedError carries the driver's error; node-postgres's own errors carry it themselves. */
function driverCode(err: unknown): string | undefined {
  if (err instanceof QueryFailedError) return (err.driverError as { code?: string } | undefined)?.code;
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A unique or primary-key constraint refused the write (SQLite or PostgreSQL): another request created the
 * same row first. Services catch it where a race is expected; the exception filter answers any other as 409.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = driverCode(err);
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  return err instanceof QueryFailedError && /UNIQUE constraint failed/.test(err.message);
}

/** PostgreSQL broke a deadlock by failing this transaction (40P01): it changed nothing and may be retried. */
export function isDeadlock(err: unknown): boolean {
  return driverCode(err) === '40P01';
}
