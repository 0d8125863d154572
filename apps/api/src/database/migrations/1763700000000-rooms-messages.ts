import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex, TableUnique } from 'typeorm';
import { columnTypes } from '../column-types';

/** Rooms, memberships, invite codes and messages; users get a last-seen time for presence. */
export class RoomsMessages1763700000000 implements MigrationInterface {
  name = 'RoomsMessages1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const uuidCol = (name: string, nullable = false) => ({ name, type: t.uuid, length: t.pg ? undefined : '36', isNullable: nullable });
    const id = { ...uuidCol('id'), isPrimary: true, default: t.pg ? 'gen_random_uuid()' : undefined };
    const now = (name: string) => ({ name, type: t.timestamp, isNullable: false, default: t.now });
    const ts = (name: string) => ({ name, type: t.timestamp, isNullable: true });
    const int = (name: string, def?: number) => ({ name, type: 'integer', isNullable: false, default: def });
    const fk = (column: string, table: string, onDelete: 'CASCADE' | 'SET NULL') => ({
      columnNames: [column],
      referencedTableName: table,
      referencedColumnNames: ['id'],
      onDelete,
    });

    await queryRunner.addColumn('users', new TableColumn({ name: 'lastSeenAt', type: t.timestamp, isNullable: true }));

    await queryRunner.createTable(
      new Table({
        name: 'rooms',
        columns: [
          id,
          { name: 'kind', type: 'varchar', length: '16', isNullable: false },
          { name: 'name', type: 'varchar', length: '80', isNullable: false, default: "''" },
          { name: 'topic', type: 'varchar', length: '250', isNullable: false, default: "''" },
          { name: 'slug', type: 'varchar', length: '32', isNullable: true, isUnique: true },
          { name: 'directKey', type: 'varchar', length: '80', isNullable: true, isUnique: true },
          uuidCol('ownerId', true),
          int('lastSeq', 0),
          int('lastRev', 0),
          ts('lastMessageAt'),
          ts('archivedAt'),
          now('createdAt'),
          now('updatedAt'),
        ],
        foreignKeys: [fk('ownerId', 'users', 'SET NULL')],
        indices: [new TableIndex({ name: 'IDX_rooms_kind', columnNames: ['kind'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'room_members',
        columns: [
          { ...uuidCol('roomId'), isPrimary: true },
          { ...uuidCol('userId'), isPrimary: true },
          { name: 'role', type: 'varchar', length: '16', isNullable: false, default: "'member'" },
          int('lastReadSeq', 0),
          now('joinedAt'),
        ],
        foreignKeys: [fk('roomId', 'rooms', 'CASCADE'), fk('userId', 'users', 'CASCADE')],
        indices: [new TableIndex({ name: 'IDX_room_members_userId', columnNames: ['userId'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'room_invites',
        columns: [
          id,
          uuidCol('roomId'),
          { name: 'codeHash', type: 'varchar', length: '64', isNullable: false, isUnique: true },
          uuidCol('createdById', true),
          { name: 'expiresAt', type: t.timestamp, isNullable: false },
          { name: 'maxUses', type: 'integer', isNullable: true },
          int('uses', 0),
          ts('revokedAt'),
          now('createdAt'),
        ],
        foreignKeys: [fk('roomId', 'rooms', 'CASCADE'), fk('createdById', 'users', 'SET NULL')],
        indices: [new TableIndex({ name: 'IDX_room_invites_roomId', columnNames: ['roomId'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'messages',
        columns: [
          id,
          uuidCol('roomId'),
          int('seq'),
          int('rev'),
          uuidCol('senderId'),
          { name: 'body', type: 'text', isNullable: false },
          { name: 'clientMsgId', type: 'varchar', length: '64', isNullable: false },
          uuidCol('replyToId', true),
          now('createdAt'),
          ts('editedAt'),
          ts('deletedAt'),
        ],
        foreignKeys: [fk('roomId', 'rooms', 'CASCADE'), fk('senderId', 'users', 'CASCADE')],
        uniques: [
          new TableUnique({ name: 'UQ_messages_room_seq', columnNames: ['roomId', 'seq'] }),
          new TableUnique({ name: 'UQ_messages_sender_client', columnNames: ['senderId', 'clientMsgId'] }),
        ],
        indices: [new TableIndex({ name: 'IDX_messages_room_rev', columnNames: ['roomId', 'rev'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('messages');
    await queryRunner.dropTable('room_invites');
    await queryRunner.dropTable('room_members');
    await queryRunner.dropTable('rooms');
    await queryRunner.dropColumn('users', 'lastSeenAt');
  }
}
