import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { columnTypes } from '../column-types';

/**
 * Encryption at rest: `encryption_keys` (data keys, wrapped by a master key kept outside the database), and two
 * columns of `jobs` for background jobs that work through the data in steps: `cursor`, where the job stopped
 * (so it resumes after a restart), and `requestedAt`, from when a run is wanted.
 */
export class EncryptionAtRest1767000000000 implements MigrationInterface {
  name = 'EncryptionAtRest1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'encryption_keys',
        columns: [
          { name: 'id', type: 'varchar', length: '16', isPrimary: true, isNullable: false },
          { name: 'wrappedKey', type: 'text', isNullable: false },
          { name: 'masterKeyId', type: 'varchar', length: '16', isNullable: false },
          { name: 'createdAt', type: t.timestamp, isNullable: false, default: t.now },
          { name: 'retiredAt', type: t.timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.addColumns('jobs', [
      new TableColumn({ name: 'cursor', type: 'text', isNullable: true }),
      new TableColumn({ name: 'requestedAt', type: t.timestamp, isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('jobs', 'requestedAt');
    await queryRunner.dropColumn('jobs', 'cursor');
    await queryRunner.dropTable('encryption_keys');
  }
}
