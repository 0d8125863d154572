import { QueryRunner } from 'typeorm';

/**
 * Column types for migrations that run on both SQLite and PostgreSQL. Entities use `type: Date` for
 * timestamps, which TypeORM maps per driver; on PostgreSQL the migrations create `timestamptz` so times are
 * stored as instants, whatever the server's time zone.
 */
export function columnTypes(queryRunner: QueryRunner) {
  const pg = queryRunner.connection.driver.options.type === 'postgres';
  return {
    pg,
    uuid: pg ? 'uuid' : 'varchar',
    timestamp: pg ? 'timestamptz' : 'datetime',
    now: pg ? 'now()' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
  };
}
