import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnTypes } from '../column-types';

/** Messages get a kind (user or system) and a system message's event; rooms get pending invitations of people. */
export class SystemMessagesInvitations1764000000000 implements MigrationInterface {
  name = 'SystemMessagesInvitations1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const uuidCol = (name: string) => ({ name, type: t.uuid, length: t.pg ? undefined : '36', isNullable: false });
    const fk = (column: string, table: string) => ({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'CASCADE' });

    await queryRunner.addColumns('messages', [
      new TableColumn({ name: 'kind', type: 'varchar', length: '16', isNullable: false, default: "'user'" }),
      // JSON of a system message's RoomEvent; null for messages people write.
      new TableColumn({ name: 'event', type: 'text', isNullable: true }),
    ]);

    await queryRunner.createTable(
      new Table({
        name: 'room_invitations',
        columns: [
          { ...uuidCol('id'), isPrimary: true, default: t.pg ? 'gen_random_uuid()' : undefined },
          uuidCol('roomId'),
          uuidCol('inviterId'),
          uuidCol('inviteeId'),
          { name: 'createdAt', type: t.timestamp, isNullable: false, default: t.now },
        ],
        foreignKeys: [fk('roomId', 'rooms'), fk('inviterId', 'users'), fk('inviteeId', 'users')],
        indices: [
          new TableIndex({ name: 'UQ_room_invitations_room_invitee', columnNames: ['roomId', 'inviteeId'], isUnique: true }),
          new TableIndex({ name: 'IDX_room_invitations_invitee', columnNames: ['inviteeId'] }),
          new TableIndex({ name: 'IDX_room_invitations_inviter', columnNames: ['inviterId'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('room_invitations');
    await queryRunner.dropColumn('messages', 'event');
    await queryRunner.dropColumn('messages', 'kind');
  }
}
