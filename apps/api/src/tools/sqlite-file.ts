/** The part of better-sqlite3 the database tools use (the package ships no types). */
export interface SqliteStatement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  iterate(...params: unknown[]): IterableIterator<unknown>;
  /** Rows as arrays in the order of the selected columns. */
  raw(toggle?: boolean): SqliteStatement;
}

export interface SqliteFile {
  prepare(sql: string): SqliteStatement;
  pragma(sql: string, options?: { simple?: boolean }): unknown;
  exec(sql: string): void;
  backup(destination: string, options?: { progress?: (info: { totalPages: number; remainingPages: number }) => number | undefined }): Promise<{ totalPages: number; remainingPages: number }>;
  close(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string, options?: { readonly?: boolean; fileMustExist?: boolean; timeout?: number }) => SqliteFile;

/** Opens an existing SQLite file; read-only unless asked, waiting up to 5 s for a writer's lock like the server. */
export function openSqliteFile(file: string, options: { readonly: boolean }): SqliteFile {
  return new Database(file, { readonly: options.readonly, fileMustExist: true, timeout: 5000 });
}

/** The tables of a SQLite file, without SQLite's own. */
export function sqliteTables(db: SqliteFile): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

export const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;
