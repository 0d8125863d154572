import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
