/**
 * `npm run db:backup -- <file> [--force]`: an online, consistent copy of the server's SQLite database, safe
 * while the server runs and writes (SQLite's online backup API; in WAL mode readers never block the writer).
 * Finds the database like the server does (DATA_DIR, DATABASE_URL). The copy is written beside its final name
 * and renamed into place only after it passed `PRAGMA integrity_check`, so a failed backup never leaves a
 * half-written file under the name given.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ExitCode, parseToolArgs, existingSqliteFile, formatBytes, formatTable, runTool, say, serverDatabase, ToolError } from './cli';
import { openSqliteFile, quoteName as q, sqliteTables } from './sqlite-file';

const USAGE = `Usage: npm run db:backup -- <file> [--force]

Writes an online, consistent backup of Parley's SQLite database (found like the server finds it: DATA_DIR,
DATABASE_URL; default ./data/parley.sqlite) to <file>, checks it and prints its size and row counts.
--force replaces an existing <file>. For PostgreSQL use pg_dump.
Exit codes: 0 written and checked, 2 bad arguments, 4 the copy failed its integrity check, 1 any other failure.`;

function parseArguments(argv: string[]): { file: string; force: boolean } {
  const parsed = parseToolArgs(argv, { force: { type: 'boolean' } }, USAGE, true);
  if (parsed.positionals.length !== 1) throw new ToolError(`Give exactly one backup file.\n\n${USAGE}`, ExitCode.badArguments);
  return { file: resolve(parsed.positionals[0]), force: parsed.values.force === true };
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const database = serverDatabase(process.env);
  if (database.type === 'postgres') {
    throw new ToolError('DATABASE_URL points at PostgreSQL: db:backup backs up the SQLite file only. Use pg_dump (e.g. pg_dump -Fc -f parley.dump "$DATABASE_URL").', ExitCode.badArguments);
  }
  const sourceFile = existingSqliteFile(database.file, process.cwd(), 'The database (DATA_DIR/DATABASE_URL)');
  if ([sourceFile, `${sourceFile}-wal`, `${sourceFile}-shm`, `${sourceFile}-journal`].includes(args.file)) {
    throw new ToolError(`${args.file} is the live database itself; write the backup somewhere else`, ExitCode.badArguments);
  }
  if (!existsSync(dirname(args.file))) throw new ToolError(`The folder ${dirname(args.file)} does not exist`, ExitCode.badArguments);
  if (existsSync(args.file) && !args.force) throw new ToolError(`${args.file} already exists; pass --force to replace it`, ExitCode.badArguments);

  const started = Date.now();
  const partial = `${args.file}.partial-${process.pid}`;
  const source = openSqliteFile(sourceFile, { readonly: true });
  try {
    // All remaining pages in one step: the copy is one snapshot, never restarted by the server's writes.
    await source.backup(partial, { progress: ({ remainingPages }) => remainingPages });
  } catch (err) {
    rmSync(partial, { force: true });
    throw new ToolError(`The backup of ${sourceFile} failed: ${(err as Error).message}`, ExitCode.failed);
  } finally {
    source.close();
  }

  const copy = openSqliteFile(partial, { readonly: false });
  let counts: [string, number][];
  try {
    // A single self-contained file (the server turns WAL back on when it opens it).
    copy.pragma('journal_mode = DELETE');
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') {
      throw new ToolError(`The backup failed its integrity check (${String(integrity)}); nothing was written to ${args.file}`, ExitCode.verificationFailed);
    }
    counts = sqliteTables(copy).map((t) => [t, (copy.prepare(`SELECT count(*) AS n FROM ${q(t)}`).get() as { n: number }).n]);
  } catch (err) {
    copy.close();
    rmSync(partial, { force: true });
    throw err;
  }
  copy.close();
  renameSync(partial, args.file);

  say(`Backed up ${sourceFile}`);
  say(`to ${args.file}: ${formatBytes(statSync(args.file).size)}, integrity_check ok, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  say(formatTable(['table', 'rows'], counts));
}

runTool(main);
