/**
 * `npm run db:copy -- --from sqlite:<file> --to postgres://…`: copies a whole Parley installation from its
 * SQLite file into an empty PostgreSQL database and proves the copy (row counts and a SHA-256 per table,
 * computed on both sides). See docs/scaling.md.
 *
 * The target gets its schema from the app's own migrations, then every table in foreign-key order, all in ONE
 * PostgreSQL transaction that commits only after every count and checksum matched: a failed or refused copy
 * leaves the target as empty as it was. The source is opened read-only and read inside one SQLite read
 * transaction, so even a running server's file is copied as one consistent snapshot.
 */
import 'reflect-metadata';
import { dirname, join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { DataSource, MigrationExecutor, QueryRunner } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { migrations } from '../database/migrations';
import { SEARCH_INDEX_TABLES } from '../search/search-store';
import { ExitCode, parseToolArgs, existingSqliteFile, formatTable, postgresUrl, runTool, say, ToolError, warn } from './cli';
import { openSqliteFile, quoteName as q, SqliteFile, sqliteTables } from './sqlite-file';
import { canonicalValue, ColumnKind, kindOfPgType, TableChecksum } from './table-checksum';

const USAGE = `Usage: npm run db:copy -- --from sqlite:<file> --to postgres://<user>@<host>:<port>/<database> [--batch-rows <n>]

Copies a Parley installation from its SQLite file (stopped or running server; opened read-only) into an
EMPTY PostgreSQL database, then verifies row counts and checksums of every table.
Exit codes: 0 copied and verified, 2 bad arguments, 3 target not empty, 4 verification failed (nothing
committed), 1 any other failure (nothing committed).`;

const MIGRATIONS_TABLE = 'migrations';
const PROGRESS_EVERY = 100_000;
const BATCH_BYTES = 8 * 1024 * 1024;

interface Column {
  name: string;
  /** The PostgreSQL type without length (`character varying`), for the arrays of the batch insert. */
  pgType: string;
  kind: ColumnKind;
}

interface TablePlan {
  name: string;
  columns: Column[];
  primaryKey: Column[];
}

interface TableResult {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceSum: string;
  targetSum: string;
  ms: number;
}

function parseArguments(argv: string[]): { from: string; to: string; batchRows: number } {
  const { values } = parseToolArgs(argv, { from: { type: 'string' }, to: { type: 'string' }, 'batch-rows': { type: 'string' } }, USAGE);
  if (!values.from || !values.to) throw new ToolError(`Both --from and --to are required.\n\n${USAGE}`, ExitCode.badArguments);
  const batchRows = values['batch-rows'] === undefined ? 5000 : Number(values['batch-rows']);
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 100_000) {
    throw new ToolError('--batch-rows must be a whole number from 1 to 100000', ExitCode.badArguments);
  }
  return { from: values.from, to: values.to, batchRows };
}

/** The source must hold exactly this build's migrations: its tables then have exactly the target's columns. */
function checkSourceSchema(source: SqliteFile, file: string): void {
  if (!sqliteTables(source).includes(MIGRATIONS_TABLE)) {
    throw new ToolError(`--from: ${file} is not a Parley database (it has no migrations table)`, ExitCode.badArguments);
  }
  const applied = (source.prepare(`SELECT name FROM ${q(MIGRATIONS_TABLE)} ORDER BY id`).all() as { name: string }[]).map((r) => r.name);
  const known = migrations.map((M) => new M().name);
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length) {
    throw new ToolError(`--from: ${file} was written by a newer Parley (migrations ${unknown.join(', ')} are unknown to this build); copy it with that version`, ExitCode.badArguments);
  }
  const missing = known.filter((name) => !applied.includes(name));
  if (missing.length) {
    throw new ToolError(
      `--from: ${file} was written by an older Parley (migrations ${missing.join(', ')} not applied). Start this version of Parley on it once (it migrates at start-up), stop it, then copy.`,
      ExitCode.badArguments,
    );
  }
}

async function connectTarget(url: string, shown: string): Promise<DataSource> {
  const options = dataSourceOptions({ database: { type: 'postgres', url }, sqliteSynchronous: 'normal' });
  const dataSource = new DataSource({ ...options, migrationsRun: false, extra: { max: 2 } } as typeof options);
  try {
    return await dataSource.initialize();
  } catch (err) {
    throw new ToolError(`--to: cannot connect to ${shown}: ${(err as Error).message}`, ExitCode.badArguments);
  }
}

/** Refuses a target that holds any of Parley's tables: db:copy never merges into existing data. */
async function checkTargetEmpty(target: DataSource, appTables: string[], shown: string): Promise<void> {
  const existing = (await target.query('SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY($1) ORDER BY table_name', [
    [...appTables, MIGRATIONS_TABLE],
  ])) as { table_name: string }[];
  if (!existing.length) return;
  const withRows: string[] = [];
  for (const { table_name } of existing) {
    const [{ n }] = (await target.query(`SELECT count(*)::int AS n FROM ${q(table_name)}`)) as { n: number }[];
    if (n > 0) withRows.push(`${table_name} (${n} ${n === 1 ? 'row' : 'rows'})`);
  }
  const state = withRows.length
    ? `is not empty: ${withRows.join(', ')}`
    : `already has Parley's tables, without rows (${existing.map((t) => t.table_name).join(', ')})`;
  throw new ToolError(
    `Refusing to copy: the target database ${shown} ${state}.\n` +
      'db:copy writes only into an empty database, so nothing there is ever overwritten or merged. Create a new one (createdb) and copy into that.',
    ExitCode.targetNotEmpty,
  );
}

/** Columns, primary keys and foreign-key order of the app's tables as the migrations created them. */
async function planTables(runner: QueryRunner, appTables: string[]): Promise<TablePlan[]> {
  const columns = (await runner.query(
    `SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, NULL) AS "type"
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND c.relname = ANY($1)
      ORDER BY c.relname, a.attnum`,
    [appTables],
  )) as { table: string; column: string; type: string }[];
  const keys = (await runner.query(
    `SELECT c.relname AS "table", a.attname AS "column"
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE i.indisprimary AND n.nspname = current_schema() AND c.relname = ANY($1)
      ORDER BY c.relname, k.ord`,
    [appTables],
  )) as { table: string; column: string }[];
  const references = (await runner.query(
    `SELECT c.relname AS "table", r.relname AS "references"
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = current_schema() AND c.relname = ANY($1)`,
    [appTables],
  )) as { table: string; references: string }[];

  const plans = new Map<string, TablePlan>();
  for (const table of appTables) {
    const cols = columns.filter((c) => c.table === table).map((c) => ({ name: c.column, pgType: c.type, kind: kindOfPgType(c.type) }));
    if (!cols.length) throw new Error(`the migrations did not create table ${table}`);
    const primaryKey = keys.filter((k) => k.table === table).map((k) => cols.find((c) => c.name === k.column)!);
    if (!primaryKey.length) throw new Error(`table ${table} has no primary key to order its rows by`);
    plans.set(table, { name: table, columns: cols, primaryKey });
  }

  // Parents before children, so every foreign key holds as rows arrive.
  const ordered: TablePlan[] = [];
  const placed = new Set<string>();
  while (ordered.length < plans.size) {
    const ready = [...plans.values()].filter(
      (p) => !placed.has(p.name) && references.every((r) => r.table !== p.name || r.references === p.name || placed.has(r.references) || !plans.has(r.references)),
    );
    if (!ready.length) throw new Error('the tables reference each other in a cycle; db:copy cannot order them');
    for (const p of ready) {
      ordered.push(p);
      placed.add(p.name);
    }
  }
  return ordered;
}

function checkSameColumns(source: SqliteFile, plan: TablePlan): void {
  const sourceColumns = (source.pragma(`table_info(${q(plan.name)})`) as { name: string }[]).map((c) => c.name).sort();
  const targetColumns = plan.columns.map((c) => c.name).sort();
  if (sourceColumns.join() !== targetColumns.join()) {
    throw new ToolError(`Table ${plan.name} has columns ${sourceColumns.join(', ')} in the source but ${targetColumns.join(', ')} in the target`, ExitCode.failed);
  }
}

function orderBy(plan: TablePlan, collateC: boolean): string {
  return plan.primaryKey.map((c) => (collateC && c.kind === 'text' ? `${q(c.name)} COLLATE "C"` : q(c.name))).join(', ');
}

/** Streams one table from SQLite into PostgreSQL in batches; returns the source's row count and checksum. */
async function copyTable(source: SqliteFile, runner: QueryRunner, plan: TablePlan, batchRows: number): Promise<TableChecksum> {
  const names = plan.columns.map((c) => q(c.name)).join(', ');
  const total = (source.prepare(`SELECT count(*) AS n FROM ${q(plan.name)}`).get() as { n: number }).n;
  const rows = source.prepare(`SELECT ${names} FROM ${q(plan.name)} ORDER BY ${orderBy(plan, false)}`).raw(true);
  const insert = `INSERT INTO ${q(plan.name)} (${names}) SELECT * FROM unnest(${plan.columns.map((c, i) => `$${i + 1}::${c.pgType}[]`).join(', ')})`;
  const checksum = new TableChecksum();

  let arrays: unknown[][] = plan.columns.map(() => []);
  let batchSize = 0;
  let batchBytes = 0;
  const flush = async () => {
    try {
      await runner.query(insert, arrays);
    } catch (err) {
      throw new ToolError(`Copying table ${plan.name} failed: ${(err as Error).message}. Nothing was committed; the target is still empty.`, ExitCode.failed);
    }
    arrays = plan.columns.map(() => []);
    batchSize = 0;
    batchBytes = 0;
  };

  for (const raw of rows.iterate() as IterableIterator<unknown[]>) {
    const canonical = plan.columns.map((c, i) => {
      try {
        return canonicalValue(c.kind, raw[i]);
      } catch (err) {
        throw new ToolError(`Table ${plan.name}, row ${checksum.rows + 1} in key order, column ${c.name}: ${(err as Error).message}`, ExitCode.failed);
      }
    });
    checksum.add(canonical);
    plan.columns.forEach((c, i) => {
      const value = c.kind === 'bytes' ? raw[i] : canonical[i];
      arrays[i].push(value);
      batchBytes += typeof value === 'string' ? value.length : Buffer.isBuffer(value) ? value.length : 8;
    });
    if (++batchSize >= batchRows || batchBytes >= BATCH_BYTES) {
      await flush();
      if (checksum.rows % PROGRESS_EVERY < batchRows && checksum.rows >= PROGRESS_EVERY) warn(`  ${plan.name}: ${checksum.rows.toLocaleString('en')} of ${total.toLocaleString('en')} rows`);
    }
  }
  if (batchSize) await flush();
  return checksum;
}

/** Reads the table back from PostgreSQL in key order through a cursor and hashes it the same way. */
async function checksumTarget(runner: QueryRunner, plan: TablePlan, batchRows: number): Promise<TableChecksum> {
  const checksum = new TableChecksum();
  const cursor = 'parley_db_copy_check';
  await runner.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${plan.columns.map((c) => q(c.name)).join(', ')} FROM ${q(plan.name)} ORDER BY ${orderBy(plan, true)}`);
  for (;;) {
    const rows = (await runner.query(`FETCH FORWARD ${batchRows} FROM ${cursor}`)) as Record<string, unknown>[];
    if (!rows.length) break;
    for (const row of rows) checksum.add(plan.columns.map((c) => canonicalValue(c.kind, row[c.name])));
  }
  await runner.query(`CLOSE ${cursor}`);
  return checksum;
}

/** Serial columns (the e2ee tables' positions and ids) continue after the highest copied value. */
async function advanceSequences(runner: QueryRunner, appTables: string[]): Promise<void> {
  const serials = (await runner.query(
    `SELECT table_name AS "table", column_name AS "column", pg_get_serial_sequence(format('%I.%I', table_schema, table_name), column_name) AS "sequence"
       FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1)`,
    [appTables],
  )) as { table: string; column: string; sequence: string | null }[];
  for (const s of serials.filter((x) => x.sequence)) {
    await runner.query(`SELECT setval($1, COALESCE((SELECT max(${q(s.column)}) FROM ${q(s.table)}), 0) + 1, false)`, [s.sequence]);
  }
}

function report(results: TableResult[]): boolean {
  const ok = (r: TableResult) => r.sourceRows === r.targetRows && r.sourceSum === r.targetSum;
  say(
    formatTable(
      ['table', 'rows (SQLite)', 'rows (PostgreSQL)', 'SHA-256 (SQLite)', 'SHA-256 (PostgreSQL)', 'time', 'check'],
      results.map((r) => [r.table, r.sourceRows, r.targetRows, r.sourceSum.slice(0, 16), r.targetSum.slice(0, 16), `${(r.ms / 1000).toFixed(1)} s`, ok(r) ? 'ok' : 'MISMATCH']),
    ),
  );
  return results.every(ok);
}

/**
 * Pictures (and shared files) are not rows: with local storage they are under DATA_DIR/files (pictures of a
 * server not restarted since its upgrade may still be in DATA_DIR/avatars). Say where, and that they must move too.
 */
function avatarNote(source: SqliteFile, sourceFile: string): string | undefined {
  const { n } = source.prepare('SELECT count(*) AS n FROM users WHERE "avatarFile" IS NOT NULL').get() as { n: number };
  if (!n) return undefined;
  const dataDir = dirname(sourceFile);
  const count = (dir: string) => (existsSync(dir) ? readdirSync(dir).length : 0);
  const files = count(join(dataDir, 'files', 'avatars')) + count(join(dataDir, 'avatars'));
  return `${n} users have a picture: unless FILE_STORAGE=s3 keeps them in a bucket, the files are under ${join(dataDir, 'files')} (${files} pictures). Give the new servers the same files (copy that folder to their DATA_DIR/files, or share the volume).`;
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const sourceFile = existingSqliteFile(args.from, process.cwd(), '--from');
  const target = postgresUrl(args.to, '--to');
  const started = Date.now();

  let source: SqliteFile;
  try {
    source = openSqliteFile(sourceFile, { readonly: true });
  } catch (err) {
    throw new ToolError(`--from: cannot open ${sourceFile}: ${(err as Error).message}`, ExitCode.badArguments);
  }
  // One read transaction: every table comes from the same moment, even while a server writes.
  source.exec('BEGIN');
  checkSourceSchema(source, sourceFile);

  const dataSource = await connectTarget(target.url, target.shown);
  const runner = dataSource.createQueryRunner();
  try {
    const appTables = dataSource.entityMetadatas.map((m) => m.tableName).sort();
    await checkTargetEmpty(dataSource, appTables, target.shown);
    const rebuilt = sqliteTables(source).filter((t) => SEARCH_INDEX_TABLES.includes(t));
    const leftOut = sqliteTables(source).filter((t) => t !== MIGRATIONS_TABLE && !appTables.includes(t) && !rebuilt.includes(t));
    if (leftOut.length) warn(`Not copied (not Parley tables): ${leftOut.join(', ')}`);
    if (rebuilt.length) say(`Not copied: the search index (${rebuilt.join(', ')}); the server builds it again in the background on its first start.`);

    say(`Copying ${sourceFile} into ${target.shown}`);
    await runner.connect();
    await runner.startTransaction();
    // The app's own migrations, inside the same transaction: the schema is exactly what the server creates.
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'all';
    await executor.executePendingMigrations();

    const plans = await planTables(runner, appTables);
    const results: TableResult[] = [];
    for (const plan of plans) {
      checkSameColumns(source, plan);
      const t0 = Date.now();
      const copied = await copyTable(source, runner, plan, args.batchRows);
      const readBack = await checksumTarget(runner, plan, args.batchRows);
      results.push({ table: plan.name, sourceRows: copied.rows, targetRows: readBack.rows, sourceSum: copied.digest(), targetSum: readBack.digest(), ms: Date.now() - t0 });
    }
    await advanceSequences(runner, appTables);

    const verified = report(results);
    if (!verified) {
      await runner.rollbackTransaction();
      throw new ToolError('Verification failed: the copy differs from the source (see MISMATCH above). Nothing was committed; the target is still empty.', ExitCode.verificationFailed);
    }
    await runner.commitTransaction();
    const total = results.reduce((sum, r) => sum + r.sourceRows, 0);
    say(`\nCopied and verified ${total.toLocaleString('en')} rows in ${plans.length} tables (${migrations.length} migrations applied) in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    const note = avatarNote(source, sourceFile);
    if (note) say(note);
    say('Start Parley with DATABASE_URL set to the target, the same SECRET_KEY (or DATA_DIR/secret.key) and the same master key (MASTER_KEY, MASTER_KEY_FILE or DATA_DIR/keys) as before: messages are copied as stored, encrypted.');
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release().catch(() => undefined);
    await dataSource.destroy().catch(() => undefined);
    source.close(); // ends the read transaction; nothing was written
  }
}

runTool(main);
