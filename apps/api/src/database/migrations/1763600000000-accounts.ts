import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnTypes } from '../column-types';

/** Users, sessions, personal access tokens and the login lockout counters. */
export class Accounts1763600000000 implements MigrationInterface {
  name = 'Accounts1763600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    // PostgreSQL fills ids itself; on SQLite TypeORM generates them before the insert.
    const id = { name: 'id', type: t.uuid, length: t.pg ? undefined : '36', isPrimary: true, default: t.pg ? 'gen_random_uuid()' : undefined };
    const userId = { name: 'userId', type: t.uuid, length: t.pg ? undefined : '36', isNullable: false };
    const createdAt = { name: 'createdAt', type: t.timestamp, isNullable: false, default: t.now };

    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          { name: 'username', type: 'varchar', length: '32', isNullable: false, isUnique: true },
          { name: 'email', type: 'varchar', length: '254', isNullable: false, isUnique: true },
          { name: 'displayName', type: 'varchar', length: '64', isNullable: false },
          { name: 'statusText', type: 'varchar', length: '140', isNullable: false, default: "''" },
          { name: 'passwordHash', type: 'varchar', length: '255', isNullable: false },
          { name: 'role', type: 'varchar', length: '16', isNullable: false, default: "'member'" },
          createdAt,
          { name: 'updatedAt', type: t.timestamp, isNullable: false, default: t.now },
          { name: 'deactivatedAt', type: t.timestamp, isNullable: true },
          { name: 'lastLoginAt', type: t.timestamp, isNullable: true },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          id,
          userId,
          { name: 'tokenHash', type: 'varchar', length: '64', isNullable: false, isUnique: true },
          createdAt,
          { name: 'lastUsedAt', type: t.timestamp, isNullable: false, default: t.now },
          { name: 'expiresAt', type: t.timestamp, isNullable: false },
          { name: 'userAgent', type: 'varchar', length: '255', isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
        ],
        foreignKeys: [{ columnNames: ['userId'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
        indices: [new TableIndex({ name: 'IDX_sessions_userId', columnNames: ['userId'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'access_tokens',
        columns: [
          id,
          userId,
          { name: 'name', type: 'varchar', length: '64', isNullable: false },
          { name: 'tokenHash', type: 'varchar', length: '64', isNullable: false, isUnique: true },
          createdAt,
          { name: 'lastUsedAt', type: t.timestamp, isNullable: true },
        ],
        foreignKeys: [{ columnNames: ['userId'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
        indices: [new TableIndex({ name: 'IDX_access_tokens_userId', columnNames: ['userId'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'login_lockouts',
        columns: [
          { name: 'key', type: 'varchar', length: '300', isPrimary: true },
          { name: 'failures', type: 'integer', isNullable: false, default: 0 },
          { name: 'lastFailureAt', type: t.timestamp, isNullable: false },
          { name: 'lockedUntil', type: t.timestamp, isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('login_lockouts');
    await queryRunner.dropTable('access_tokens');
    await queryRunner.dropTable('sessions');
    await queryRunner.dropTable('users');
  }
}
