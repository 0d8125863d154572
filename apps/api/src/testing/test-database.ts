import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '../config/config';
import { dataSourceOptions } from '../database/data-source-options';
import { serializeTransactions } from '../database/serialize-transactions';
import { EncryptionKeyEntity } from '../encryption/encryption-key.entity';
import { KeyRing } from '../encryption/key-ring';
import { JobEntity } from '../jobs/job.entity';
import { JobsService } from '../jobs/jobs.service';

export interface TestDatabase {
  config: AppConfig;
  dataSource: DataSource;
  /** This process's key ring on the database, started (data keys created as at start-up); one per TestDatabase. */
  keys(): Promise<KeyRing>;
  close(): Promise<void>;
}

/** A key ring over `dataSource` as the encryption module builds it. */
export function keyRingOf(dataSource: DataSource, config: AppConfig): KeyRing {
  return new KeyRing(dataSource.getRepository(EncryptionKeyEntity), config, new JobsService(dataSource.getRepository(JobEntity)));
}

/**
 * The key ring of another process started with these settings on the same database, once ready (it has read
 * and checked the keys), its timer already stopped: what a restart with `env` would find.
 */
export async function startedKeyRing(db: Pick<TestDatabase, 'dataSource' | 'config'>, env: Record<string, string> = {}): Promise<KeyRing> {
  const ring = keyRingOf(db.dataSource, loadConfig({ DATA_DIR: db.config.dataDir, ...env }));
  try {
    await ring.ready();
  } finally {
    ring.onApplicationShutdown();
  }
  return ring;
}

function withKeys(db: Omit<TestDatabase, 'keys'>): TestDatabase {
  let ring: Promise<KeyRing> | undefined;
  return {
    ...db,
    keys: () =>
      (ring ??= (async () => {
        const keys = keyRingOf(db.dataSource, db.config);
        await keys.ready();
        return keys;
      })()),
    close: async () => {
      if (ring) (await ring.catch(() => undefined))?.onApplicationShutdown();
      await db.close();
    },
  };
}

/**
 * A real SQLite database in a temp directory, migrated exactly as at start-up. It takes a few
 * milliseconds, so unit tests use it instead of mocked repositories.
 */
export async function openTestDatabase(env: Record<string, string> = {}): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-unit-'));
  const config = loadConfig({ DATA_DIR: dir, ...env });
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  serializeTransactions(dataSource);
  return withKeys({
    config,
    dataSource,
    close: async () => {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** The PostgreSQL server on this machine; PG_ADMIN_URL overrides (it must allow CREATE DATABASE). */
const PG_ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * A fresh PostgreSQL database on this machine's server, migrated exactly as at start-up, and dropped by
 * close(). `open()` adds another connection pool to the same database: a second API process.
 */
export async function openPostgresTestDatabase(env: Record<string, string> = {}): Promise<TestDatabase & { open(): Promise<TestDatabase> }> {
  const name = `parley_unit_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const dir = mkdtempSync(join(tmpdir(), 'parley-unit-'));
  const config = loadConfig({ DATA_DIR: dir, DATABASE_URL: url.toString(), ...env });
  const connect = async () => {
    const dataSource = new DataSource(dataSourceOptions(config));
    await dataSource.initialize();
    return dataSource;
  };
  const dataSource = await connect();
  const others: TestDatabase[] = [];
  const db = withKeys({
    config,
    dataSource,
    close: async () => {
      for (const other of others) await other.close();
      if (dataSource.isInitialized) await dataSource.destroy();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      rmSync(dir, { recursive: true, force: true });
    },
  });
  return {
    ...db,
    open: async () => {
      const other = await connect();
      const opened = withKeys({ config, dataSource: other, close: async () => void (other.isInitialized && (await other.destroy())) });
      others.push(opened);
      return opened;
    },
  };
}
