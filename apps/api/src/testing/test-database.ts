import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '../config/config';
import { dataSourceOptions } from '../database/data-source-options';
import { serializeTransactions } from '../database/serialize-transactions';

export interface TestDatabase {
  config: AppConfig;
  dataSource: DataSource;
  close(): Promise<void>;
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
  return {
    config,
    dataSource,
    close: async () => {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
export async function openPostgresTestDatabase(): Promise<TestDatabase & { open(): Promise<TestDatabase> }> {
  const name = `parley_unit_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const dir = mkdtempSync(join(tmpdir(), 'parley-unit-'));
  const config = loadConfig({ DATA_DIR: dir, DATABASE_URL: url.toString() });
  const connect = async () => {
    const dataSource = new DataSource(dataSourceOptions(config));
    await dataSource.initialize();
    return dataSource;
  };
  const dataSource = await connect();
  const others: DataSource[] = [];
  return {
    config,
    dataSource,
    open: async () => {
      const other = await connect();
      others.push(other);
      return { config, dataSource: other, close: () => other.destroy() };
    },
    close: async () => {
      for (const ds of [...others, dataSource]) if (ds.isInitialized) await ds.destroy();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
