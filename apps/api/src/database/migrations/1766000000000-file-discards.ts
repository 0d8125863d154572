import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnTypes } from '../column-types';

/**
 * `file_discards`: the bytes of deleted files still to be deleted from the BlobStore, one row per file,
 * written in the transaction that deletes the file's row and removed once its bytes are gone (the sweep
 * retries what failed). No foreign key to `files`: the file's row is gone by then.
 */
export class FileDiscards1766000000000 implements MigrationInterface {
  name = 'FileDiscards1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'file_discards',
        columns: [
          { name: 'fileId', type: t.uuid, length: t.pg ? undefined : '36', isPrimary: true, isNullable: false },
          { name: 'createdAt', type: t.timestamp, isNullable: false, default: t.now },
          { name: 'dueAt', type: t.timestamp, isNullable: false, default: t.now },
          { name: 'attempts', type: 'integer', isNullable: false, default: '0' },
          { name: 'lastError', type: 'text', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'IDX_file_discards_due', columnNames: ['dueAt'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('file_discards');
  }
}
