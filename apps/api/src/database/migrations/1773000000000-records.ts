import { MigrationInterface, QueryRunner } from 'typeorm';

/** Compliance exports and the audit log (owned by the records module, docs/records.md). */
export class Records1773000000000 implements MigrationInterface {
  name = 'Records1773000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const pg = queryRunner.connection.driver.options.type === 'postgres';
    const uuid = pg ? 'uuid' : 'varchar(36)';
    const id = pg ? 'uuid PRIMARY KEY DEFAULT gen_random_uuid()' : 'varchar(36) PRIMARY KEY NOT NULL';
    const time = pg ? 'timestamptz' : 'datetime';
    const now = pg ? 'timestamptz NOT NULL DEFAULT now()' : "datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))";
    const bool = pg ? 'boolean NOT NULL DEFAULT true' : 'boolean NOT NULL DEFAULT (1)';
    await queryRunner.query(
      `CREATE TABLE compliance_exports (id ${id}, "requestedBy" ${uuid} NOT NULL, "rangeFrom" ${time} NOT NULL, "rangeTo" ${time} NOT NULL, "roomIds" text, "userIds" text, "includeFiles" ${bool}, status varchar(16) NOT NULL, progress text NOT NULL, size integer, "contentKeyId" varchar(64), error varchar(500), "heartbeatAt" ${time}, "createdAt" ${now}, "finishedAt" ${time})`,
    );
    await queryRunner.query('CREATE INDEX "IDX_compliance_exports_status" ON compliance_exports (status)');
    await queryRunner.query(`CREATE TABLE audit_log (id ${id}, "actorId" ${uuid} NOT NULL, action varchar(64) NOT NULL, details text NOT NULL, "createdAt" ${now})`);
    await queryRunner.query('CREATE INDEX "IDX_audit_log_created" ON audit_log ("createdAt")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_log');
    await queryRunner.query('DROP TABLE compliance_exports');
  }
}
