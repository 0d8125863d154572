import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { FixedQuery, hydrate, selectColumns } from '../database/fixed-query';
import { UserEntity } from '../users/user.entity';
import { hashToken } from './tokens';

/**
 * Finds a credential row (`sessions` or `access_tokens`) by the hash of its token, with its user, in one
 * query. Every authenticated request runs it, so it is a prepared FixedQuery rather than a TypeORM find.
 */
export function tokenLookup<T extends ObjectLiteral>(db: DataSource, entity: EntityTarget<T>, table: string) {
  const query = new FixedQuery(
    db,
    (p) =>
      `SELECT ${selectColumns(db, entity, 'c', 'c_')}, ${selectColumns(db, UserEntity, 'u', 'u_')} ` +
      `FROM ${table} "c" INNER JOIN users "u" ON "u"."id" = "c"."userId" WHERE "c"."tokenHash" = ${p(1)}`,
  );
  return async (token: string): Promise<(T & { user: UserEntity }) | null> => {
    const [row] = await query.all(hashToken(token));
    return row ? Object.assign(hydrate(db, entity, row, 'c_'), { user: hydrate(db, UserEntity, row, 'u_') }) : null;
  };
}
