/**
 * `npm run keys:rotate`: rotates the master key of encryption at rest while the servers run (the data keys are
 * re-wrapped, the data is not touched, then the old key is retired); `-- --data-key` starts a data-key rotation
 * that the servers' background job completes; `-- --status` shows the keys and that job's progress.
 * Finds the database and the master key like the server does (DATA_DIR, DATABASE_URL, MASTER_KEY,
 * MASTER_KEY_FILE). Safe to interrupt and run again. See docs/security.md.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/config';
import { dataSourceOptions } from '../database/data-source-options';
import { DataKeys } from '../encryption/data-keys';
import { EncryptionKeyEntity } from '../encryption/encryption-key.entity';
import { SWEEP_JOB } from '../encryption/key-ring';
import { rotateDataKey, rotateMasterKey, RotationProblem } from '../encryption/key-rotation';
import { describeSource, MasterKeyProblem } from '../encryption/master-keys';
import { JobEntity } from '../jobs/job.entity';
import { JobsService } from '../jobs/jobs.service';
import { ExitCode, parseToolArgs, formatTable, runTool, say, ToolError } from './cli';

const USAGE = `Usage: npm run keys:rotate -- [--new-key-file <file>] | --data-key | --status

Without options: master-key rotation. A new master key is made (in DATA_DIR/keys, or beside MASTER_KEY_FILE as
<file>.next), every data key is re-wrapped with it (the data itself is not re-encrypted), then the old key is
deleted (DATA_DIR/keys) or replaced (MASTER_KEY_FILE). Running servers follow without a restart.
  --new-key-file <file>  wrap with the key in <file> instead (a new random key is written there if it does not
                         exist); needed with MASTER_KEY. Give that key to every process afterwards.
  --data-key             data-key rotation: a new data key for new data; the servers' background job re-encrypts
                         what the old ones encrypted, in small steps (see --status).
  --status               the data keys, which master key wraps them, and the background job's progress.
Reads DATA_DIR, DATABASE_URL, MASTER_KEY and MASTER_KEY_FILE like the server. Safe to interrupt and run again.
Exit codes: 0 done, 2 bad arguments or configuration, 1 any other failure.`;

interface Args {
  newKeyFile?: string;
  dataKey: boolean;
  status: boolean;
}

function parseArguments(argv: string[]): Args {
  const { values } = parseToolArgs(argv, { 'new-key-file': { type: 'string' }, 'data-key': { type: 'boolean' }, status: { type: 'boolean' } }, USAGE);
  const chosen = [values['new-key-file'] !== undefined, values['data-key'], values.status].filter(Boolean).length;
  if (chosen > 1) throw new ToolError(`Choose one of --new-key-file, --data-key and --status.\n\n${USAGE}`, ExitCode.badArguments);
  return { newKeyFile: values['new-key-file'], dataKey: values['data-key'] === true, status: values.status === true };
}

async function connect(): Promise<{ dataSource: DataSource; config: ReturnType<typeof loadConfig> }> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new ToolError(err.message, ExitCode.badArguments);
    throw err;
  }
  // The server migrates; the tool only reads and writes what the migrations made.
  const dataSource = new DataSource({ ...dataSourceOptions(config), migrationsRun: false } as ReturnType<typeof dataSourceOptions>);
  await dataSource.initialize();
  const [found] = (await dataSource.query(
    config.database.type === 'postgres'
      ? "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'encryption_keys'"
      : "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'encryption_keys'",
  )) as { n: number }[];
  if (!found.n) {
    await dataSource.destroy();
    throw new ToolError('The database has no encryption_keys table yet: start this version of Parley on it once first', ExitCode.badArguments);
  }
  return { dataSource, config };
}

async function status(keys: DataKeys, jobs: JobsService): Promise<void> {
  const rows = await keys.all();
  say(formatTable(['data key', 'wrapped by master key', 'created', 'retired'], rows.map((r) => [r.id, r.masterKeyId, r.createdAt.toISOString(), r.retiredAt?.toISOString() ?? ''])));
  const { cursor, requestedAt } = await jobs.progress<{ task: string; changed: number; startedAt: string }>(SWEEP_JOB);
  if (cursor) say(`\nBackground encryption: in progress (started ${cursor.startedAt}; at ${cursor.task}; ${cursor.changed} item(s) encrypted so far)`);
  else if (requestedAt) say(`\nBackground encryption: wanted from ${requestedAt.toISOString()}, not started yet`);
  else say('\nBackground encryption: nothing to do (everything is under the current data key)');
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const { dataSource, config } = await connect();
  try {
    const keys = new DataKeys(dataSource.getRepository(EncryptionKeyEntity));
    const jobs = new JobsService(dataSource.getRepository(JobEntity));
    if (args.status) return await status(keys, jobs);
    if (args.dataKey) {
      const rotated = await rotateDataKey(keys, jobs, config.encryption.master);
      say(`New data key ${rotated.id} (wrapped by master key ${rotated.master}); retired: ${rotated.retired.join(', ') || 'none'}.`);
      say(`Servers switch to it within seconds; their background job re-encrypts what the retired keys encrypted from ${rotated.sweepFrom.toISOString()} on (see --status).`);
      return;
    }
    const rotated = await rotateMasterKey(keys, config.encryption.master, { newKeyFile: args.newKeyFile });
    say(`Master key rotated: ${rotated.rewrapped} data key(s) re-wrapped from ${rotated.from.join(', ') || '(none left)'} to ${rotated.to.id} (${rotated.to.origin}).`);
    if (rotated.removed.length) say(`Old key(s) removed: ${rotated.removed.join(', ')}.`);
    if (rotated.next) say(rotated.next);
    else say(`Servers reading ${describeSource(config.encryption.master)} pick up the new key without a restart.`);
  } catch (err) {
    if (err instanceof RotationProblem || err instanceof MasterKeyProblem) throw new ToolError(err.message, ExitCode.failed);
    throw err;
  } finally {
    await dataSource.destroy();
  }
}

runTool(main);
