import { QueryFailedError } from 'typeorm';

/**
 * A unique or primary-key constraint refused the write (SQLite or PostgreSQL): another request created the
 * same row first. Services catch it where a race is expected; the exception filter answers any other as 409.
 */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const code = (err.driverError as { code?: string } | undefined)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || /UNIQUE constraint failed/.test(err.message);
}
