import { MigrationInterface, QueryRunner } from 'typeorm';

/** Retention settings and legal holds (owned by the retention module, docs/records.md). */
export class Retention1772000000000 implements MigrationInterface {
  name = 'Retention1772000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const pg = queryRunner.connection.driver.options.type === 'postgres';
    if (pg) {
      await queryRunner.query(
        `CREATE TABLE retention_policies (scope varchar(36) PRIMARY KEY, enabled boolean NOT NULL DEFAULT false, days integer, "updatedAt" timestamptz NOT NULL, "updatedBy" uuid, "lastRun" text)`,
      );
      await queryRunner.query(
        `CREATE TABLE legal_holds (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), kind varchar(8) NOT NULL, "targetId" uuid NOT NULL, reason varchar(500) NOT NULL, "createdBy" uuid NOT NULL, "createdAt" timestamptz NOT NULL DEFAULT now(), CONSTRAINT "UQ_legal_holds_target" UNIQUE (kind, "targetId"))`,
      );
    } else {
      await queryRunner.query(
        `CREATE TABLE retention_policies (scope varchar(36) PRIMARY KEY NOT NULL, enabled boolean NOT NULL DEFAULT (0), days integer, "updatedAt" datetime NOT NULL, "updatedBy" varchar(36), "lastRun" text)`,
      );
      await queryRunner.query(
        `CREATE TABLE legal_holds (id varchar(36) PRIMARY KEY NOT NULL, kind varchar(8) NOT NULL, "targetId" varchar(36) NOT NULL, reason varchar(500) NOT NULL, "createdBy" varchar(36) NOT NULL, "createdAt" datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), CONSTRAINT "UQ_legal_holds_target" UNIQUE (kind, "targetId"))`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE legal_holds');
    await queryRunner.query('DROP TABLE retention_policies');
  }
}
