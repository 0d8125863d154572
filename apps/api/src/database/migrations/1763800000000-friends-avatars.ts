import { MigrationInterface, QueryRunner, Table, TableCheck, TableColumn, TableIndex } from 'typeorm';
import { columnTypes } from '../column-types';

/** Friend requests, friendships and blocks; users get an avatar file. */
export class FriendsAvatars1763800000000 implements MigrationInterface {
  name = 'FriendsAvatars1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const uuidCol = (name: string) => ({ name, type: t.uuid, length: t.pg ? undefined : '36', isNullable: false });
    const createdAt = { name: 'createdAt', type: t.timestamp, isNullable: false, default: t.now };
    const userFk = (column: string) => ({ columnNames: [column], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' });

    // The file name under DATA_DIR/avatars; null: the generated initials picture is shown.
    await queryRunner.addColumn('users', new TableColumn({ name: 'avatarFile', type: 'varchar', length: '64', isNullable: true }));

    await queryRunner.createTable(
      new Table({
        name: 'friend_requests',
        columns: [
          { ...uuidCol('id'), isPrimary: true, default: t.pg ? 'gen_random_uuid()' : undefined },
          uuidCol('requesterId'),
          uuidCol('addresseeId'),
          { name: 'pairKey', type: 'varchar', length: '80', isNullable: false },
          { name: 'status', type: 'varchar', length: '16', isNullable: false, default: "'pending'" },
          createdAt,
          { name: 'resolvedAt', type: t.timestamp, isNullable: true },
        ],
        foreignKeys: [userFk('requesterId'), userFk('addresseeId')],
        indices: [
          // One pending request per pair, whichever way: a duplicate or a crossing request loses the race here.
          new TableIndex({ name: 'UQ_friend_requests_pending_pair', columnNames: ['pairKey'], isUnique: true, where: `"status" = 'pending'` }),
          new TableIndex({ name: 'IDX_friend_requests_addressee', columnNames: ['addresseeId', 'status'] }),
          new TableIndex({ name: 'IDX_friend_requests_requester', columnNames: ['requesterId', 'status'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'friendships',
        columns: [{ ...uuidCol('userLowId'), isPrimary: true }, { ...uuidCol('userHighId'), isPrimary: true }, createdAt],
        foreignKeys: [userFk('userLowId'), userFk('userHighId')],
        indices: [new TableIndex({ name: 'IDX_friendships_userHighId', columnNames: ['userHighId'] })],
        checks: [new TableCheck({ name: 'CHK_friendships_order', expression: '"userLowId" < "userHighId"' })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'user_blocks',
        columns: [{ ...uuidCol('blockerId'), isPrimary: true }, { ...uuidCol('blockedId'), isPrimary: true }, createdAt],
        foreignKeys: [userFk('blockerId'), userFk('blockedId')],
        indices: [new TableIndex({ name: 'IDX_user_blocks_blockedId', columnNames: ['blockedId'] })],
        checks: [new TableCheck({ name: 'CHK_user_blocks_not_self', expression: '"blockerId" <> "blockedId"' })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('user_blocks');
    await queryRunner.dropTable('friendships');
    await queryRunner.dropTable('friend_requests');
    await queryRunner.dropColumn('users', 'avatarFile');
  }
}
