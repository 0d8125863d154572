import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnTypes } from '../column-types';

/**
 * Files shared in rooms: the `files` table (one row per upload, from its creation until it is deleted),
 * messages' attachments (a JSON list written with the message), and `jobs`, where background jobs are
 * claimed so that one process runs each.
 */
export class Files1765000000000 implements MigrationInterface {
  name = 'Files1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const uuidCol = (name: string, nullable = false) => ({ name, type: t.uuid, length: t.pg ? undefined : '36', isNullable: nullable });
    const fk = (column: string, table: string) => ({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'CASCADE' });
    const bool = (name: string) => ({ name, type: 'boolean', isNullable: false, default: t.pg ? 'false' : '0' });

    // The message's files as the timeline shows them (JSON Attachment[]); null for a message without files.
    await queryRunner.addColumn('messages', new TableColumn({ name: 'attachments', type: 'text', isNullable: true }));

    await queryRunner.createTable(
      new Table({
        name: 'files',
        columns: [
          // The tus upload id (or the multipart upload's), which is also where the bytes are stored.
          { ...uuidCol('id'), isPrimary: true },
          uuidCol('roomId'),
          uuidCol('uploaderId'),
          uuidCol('messageId', true),
          { name: 'name', type: 'varchar', length: '255', isNullable: false },
          { name: 'mime', type: 'varchar', length: '255', isNullable: false, default: "'application/octet-stream'" },
          { name: 'category', type: 'varchar', length: '16', isNullable: false, default: "'other'" },
          // Bytes stored (0 until the upload finishes) and bytes announced when it was created.
          { name: 'size', type: 'bigint', isNullable: false, default: '0' },
          { name: 'declaredSize', type: 'bigint', isNullable: false },
          { name: 'width', type: 'integer', isNullable: true },
          { name: 'height', type: 'integer', isNullable: true },
          bool('hasThumbnail'),
          bool('downloadOnly'),
          { name: 'status', type: 'varchar', length: '16', isNullable: false, default: "'uploading'" },
          // Where the file sits in the room once attached: its message's seq and its place in the message.
          { name: 'messageSeq', type: 'integer', isNullable: true },
          { name: 'position', type: 'integer', isNullable: true },
          { name: 'createdAt', type: t.timestamp, isNullable: false, default: t.now },
          // Last sign of life of an unattached upload (created, bytes received, finished): swept after FILE_UPLOAD_TTL_HOURS.
          { name: 'touchedAt', type: t.timestamp, isNullable: false, default: t.now },
          // Set while one request inspects and scans the finished bytes (a claim, so only one does).
          { name: 'checkingSince', type: t.timestamp, isNullable: true },
        ],
        foreignKeys: [fk('roomId', 'rooms'), fk('uploaderId', 'users'), fk('messageId', 'messages')],
        indices: [
          new TableIndex({ name: 'IDX_files_uploader', columnNames: ['uploaderId'] }),
          new TableIndex({ name: 'IDX_files_message', columnNames: ['messageId'] }),
          new TableIndex({ name: 'IDX_files_room_order', columnNames: ['roomId', 'messageSeq', 'position'] }),
          new TableIndex({ name: 'IDX_files_room_category_order', columnNames: ['roomId', 'category', 'messageSeq', 'position'] }),
          new TableIndex({ name: 'IDX_files_status_touched', columnNames: ['status', 'touchedAt'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'jobs',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true, isNullable: false },
          // The job may be claimed again from this time on.
          { name: 'nextRunAt', type: t.timestamp, isNullable: false, default: t.now },
          { name: 'claimedAt', type: t.timestamp, isNullable: true },
          { name: 'claimedBy', type: 'varchar', length: '128', isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('jobs');
    await queryRunner.dropTable('files');
    await queryRunner.dropColumn('messages', 'attachments');
  }
}
