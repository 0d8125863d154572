import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ToolOptions = NonNullable<ParseArgsConfig['options']>;

/** Exit codes shared by the database tools (documented in the README). */
export const ExitCode = {
  ok: 0,
  failed: 1,
  badArguments: 2,
  targetNotEmpty: 3,
  verificationFailed: 4,
} as const;

/** An error the tool explains to its user in one message, with the exit code it ends with. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failed,
  ) {
    super(message);
  }
}

export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function warn(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * A tool's command line, parsed strictly with `node:util`'s parseArgs: an unknown or malformed option ends the
 * tool with its usage and exit code 2; `--help` (`-h`, added here) prints the usage and ends it with 0.
 */
export function parseToolArgs<const T extends ToolOptions>(argv: string[], options: T, usage: string, allowPositionals = false) {
  let parsed: ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: boolean }>>;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals });
  } catch (err) {
    throw new ToolError(`${(err as Error).message}\n\n${usage}`, ExitCode.badArguments);
  }
  if ((parsed.values as { help?: boolean }).help) {
    say(usage);
    process.exit(ExitCode.ok);
  }
  return parsed;
}

/** Runs a tool's main function: a ToolError ends it with its message and code, anything else with code 1. */
export function runTool(main: () => Promise<void>): void {
  main().then(
    () => process.exit(ExitCode.ok),
    (err: unknown) => {
      if (err instanceof ToolError) {
        warn(err.message);
        process.exit(err.exitCode);
      }
      warn(`Failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(ExitCode.failed);
    },
  );
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: (string | number)[], raw: string[]) =>
    raw.map((c, i) => (typeof r[i] === 'number' ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header, cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r, i) => line(r, cells[i + 1]))].join('\n');
}

const SQLITE_HEADER = 'SQLite format 3\u0000';

/**
 * The file of a `sqlite:<path>` URL (or a plain path), resolved against `base`. Refuses what is not an
 * existing SQLite file, naming what is wrong.
 */
export function existingSqliteFile(location: string, base: string, what: string): string {
  const path = location.replace(/^sqlite:(\/\/)?/, '');
  if (!path) throw new ToolError(`${what}: give a SQLite file as sqlite:<path> (got "${location}")`, ExitCode.badArguments);
  const file = isAbsolute(path) ? path : resolve(base, path);
  if (!existsSync(file)) throw new ToolError(`${what}: ${file} does not exist`, ExitCode.badArguments);
  if (!statSync(file).isFile()) throw new ToolError(`${what}: ${file} is not a file`, ExitCode.badArguments);
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== SQLITE_HEADER) throw new ToolError(`${what}: ${file} is not a SQLite database`, ExitCode.badArguments);
  return file;
}

/** A PostgreSQL URL checked for shape; the text shown to people leaves the password out. */
export function postgresUrl(raw: string, what: string): { url: string; shown: string } {
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new ToolError(`${what} must be a postgres:// or postgresql:// URL (got "${raw.replace(/:[^:@/]*@/, ':***@')}")`, ExitCode.badArguments);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ToolError(`${what} is not a valid URL`, ExitCode.badArguments);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new ToolError(`${what} must name a database (postgres://user@host:5432/<database>)`, ExitCode.badArguments);
  return { url: raw, shown: `${parsed.username ? `${decodeURIComponent(parsed.username)}@` : ''}${parsed.host || 'localhost'}/${database}` };
}

/** The SQLite file a server with this environment uses (the same rules as config/config.ts). */
export function serverDatabase(env: NodeJS.ProcessEnv): { type: 'postgres' } | { type: 'sqlite'; file: string } {
  const url = env['DATABASE_URL'] ?? '';
  if (/^postgres(ql)?:\/\//.test(url)) return { type: 'postgres' };
  const dataDir = resolve(env['DATA_DIR'] || './data');
  const path = url.replace(/^sqlite:/, '') || 'parley.sqlite';
  return { type: 'sqlite', file: isAbsolute(path) ? path : join(dataDir, path) };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
