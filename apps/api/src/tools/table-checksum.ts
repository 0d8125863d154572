import { createHash, Hash } from 'node:crypto';

/** How a column's values are compared between SQLite and PostgreSQL (from the PostgreSQL column type). */
export type ColumnKind = 'uuid' | 'timestamp' | 'integer' | 'boolean' | 'bytes' | 'text';

export function kindOfPgType(pgType: string): ColumnKind {
  if (pgType === 'uuid') return 'uuid';
  if (pgType.startsWith('timestamp')) return 'timestamp';
  if (['integer', 'bigint', 'smallint'].includes(pgType)) return 'integer';
  if (pgType === 'boolean') return 'boolean';
  if (pgType === 'bytea') return 'bytes';
  return 'text';
}

/**
 * SQLite keeps times as UTC text ('2026-12-04 10:56:09.123', as TypeORM and the migrations' defaults write
 * them; some code writes ISO strings). Returns the instant as an ISO string with milliseconds.
 */
export function sqliteTimeToIso(value: string | number): string {
  const date = typeof value === 'number' ? new Date(value) : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
  if (Number.isNaN(date.getTime())) throw new Error(`not a time: ${JSON.stringify(value)}`);
  return date.toISOString();
}

/**
 * One value in the form both sides are hashed in: text, or null. The same function serves values read from
 * SQLite (times as text, integers as numbers) and from PostgreSQL (times as Date, bigints as text).
 */
export function canonicalValue(kind: ColumnKind, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'uuid':
      return String(value).toLowerCase();
    case 'timestamp':
      return value instanceof Date ? value.toISOString() : sqliteTimeToIso(value as string | number);
    case 'integer':
      return typeof value === 'bigint' ? value.toString() : String(Number(value));
    case 'boolean':
      return value === true || value === 1 || value === '1' || value === 't' || value === 'true' ? 'true' : 'false';
    case 'bytes':
      return Buffer.isBuffer(value) ? value.toString('base64') : Buffer.from(String(value)).toString('base64');
    case 'text':
      return String(value);
  }
}

/** Row count and SHA-256 over the rows in primary-key order, each row a JSON array of canonical values. */
export class TableChecksum {
  private readonly hash: Hash = createHash('sha256');
  rows = 0;

  add(canonicalRow: (string | null)[]): void {
    this.hash.update(JSON.stringify(canonicalRow));
    this.hash.update('\n');
    this.rows++;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
