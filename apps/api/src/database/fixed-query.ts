import { createHash } from 'node:crypto';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

type Row = Record<string, unknown>;

/** node-postgres's pool under TypeORM's PostgreSQL driver. */
interface PgPool {
  query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: Row[] }>;
}

interface PreparedStatement {
  all(...params: unknown[]): unknown[];
}

/** `$1, $2…` on PostgreSQL, `?` on SQLite. */
export type Placeholder = (n: number) => string;

/**
 * A SELECT that runs on every request of a hot path (authentication, membership, history pages): written
 * once for both databases, prepared once (on PostgreSQL, once per pooled connection), and run without
 * TypeORM's query builder, which rebuilt and re-escaped the SQL and hydrated entities on every call — most
 * of the CPU of a small request. Entities
 * come back through `hydrate`, with the same value conversions TypeORM's own reads apply.
 */
export class FixedQuery {
  private readonly run: (params: unknown[]) => Promise<Row[]>;

  constructor(dataSource: DataSource, sql: (p: Placeholder) => string) {
    if (dataSource.options.type === 'postgres') {
      const text = sql((n) => `$${n}`);
      // A named statement: each pooled connection parses and plans it once, not on every request.
      const name = `parley-${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      const pool = (dataSource.driver as unknown as { master: PgPool }).master;
      this.run = async (params) => (await pool.query({ name, text, values: params })).rows;
    } else {
      const db = (dataSource.driver as unknown as { databaseConnection: { prepare(sql: string): PreparedStatement } }).databaseConnection;
      const statement = db.prepare(sql(() => '?'));
      this.run = async (params) => statement.all(...params) as Row[];
    }
  }

  all(...params: unknown[]): Promise<Row[]> {
    return this.run(params);
  }
}

/** `"alias"."column" AS "prefix_column"` for every selectable column of an entity (so joined tables cannot collide). */
export function selectColumns(dataSource: DataSource, target: EntityTarget<ObjectLiteral>, alias: string, prefix: string): string {
  return dataSource
    .getMetadata(target)
    .columns.filter((c) => c.isSelect)
    .map((c) => `"${alias}"."${c.databaseName}" AS "${prefix}${c.databaseName}"`)
    .join(', ');
}

/** An entity from a raw row (columns named `prefix + column`), converted as TypeORM converts what it reads. */
export function hydrate<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>, row: Row, prefix = ''): T {
  const metadata = dataSource.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    const value = row[prefix + column.databaseName];
    if (value === undefined) continue;
    (entity as Record<string, unknown>)[column.propertyName] = dataSource.driver.prepareHydratedValue(value, column);
  }
  return entity;
}
