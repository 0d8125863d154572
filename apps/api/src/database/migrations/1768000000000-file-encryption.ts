import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Encryption at rest for files: `files.contentKeyId` names the data key that sealed a file's bytes (null:
 * plaintext, where the upload wrote them), so the background job finds what it must still encrypt; and
 * `files.name` becomes text on PostgreSQL, since an encrypted name is longer than the 255 characters of its
 * plaintext (SQLite does not enforce lengths). Existing names and bytes are encrypted by the background job.
 */
export class FileEncryption1768000000000 implements MigrationInterface {
  name = 'FileEncryption1768000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('files', new TableColumn({ name: 'contentKeyId', type: 'varchar', length: '16', isNullable: true }));
    if (queryRunner.connection.driver.options.type === 'postgres') await queryRunner.query('ALTER TABLE files ALTER COLUMN name TYPE text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('files', 'contentKeyId');
  }
}
