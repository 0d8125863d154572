import { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/config';
import { entities } from './entities';
import { migrations } from './migrations';

/** TypeORM options for the configured database. The schema comes only from migrations, run at start-up. */
export function dataSourceOptions(config: Pick<AppConfig, 'database' | 'sqliteSynchronous'>): DataSourceOptions {
  const common = {
    entities,
    migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (config.database.type === 'postgres') {
    return { ...common, type: 'postgres', url: config.database.url, extra: { max: 20 } };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.database.path,
    enableWAL: true,
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      db.pragma(`synchronous = ${config.sqliteSynchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    },
  };
}
