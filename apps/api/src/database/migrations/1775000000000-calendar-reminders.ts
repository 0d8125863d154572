import { MigrationInterface, QueryRunner } from 'typeorm';

/** Calendar reminders: each user's default, their choice per event, and the notices sent (once each). Owned by calendar/. */
export class CalendarReminders1775000000000 implements MigrationInterface {
  name = 'CalendarReminders1775000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const pg = queryRunner.connection.driver.options.type === 'postgres';
    const uuid = pg ? 'uuid' : 'varchar(36)';
    const time = pg ? 'timestamptz' : 'datetime';
    await queryRunner.query(`CREATE TABLE calendar_settings ("userId" ${uuid} PRIMARY KEY NOT NULL, "reminderMinutes" integer, "updatedAt" ${time} NOT NULL)`);
    await queryRunner.query(`CREATE TABLE calendar_event_reminders ("eventId" ${uuid} NOT NULL, "userId" ${uuid} NOT NULL, minutes integer, PRIMARY KEY ("eventId", "userId"))`);
    await queryRunner.query(
      `CREATE TABLE calendar_notices (id ${uuid} PRIMARY KEY NOT NULL, "userId" ${uuid} NOT NULL, "eventId" ${uuid} NOT NULL, "roomId" ${uuid} NOT NULL, occurrence varchar(16) NOT NULL, kind varchar(16) NOT NULL, "minutesBefore" integer, "startAt" ${time} NOT NULL, "endAt" ${time} NOT NULL, at ${time} NOT NULL, "dismissedAt" ${time}, CONSTRAINT "UQ_calendar_notices_once" UNIQUE ("eventId", occurrence, "userId", kind, "startAt"))`,
    );
    await queryRunner.query('CREATE INDEX "IDX_calendar_notices_user" ON calendar_notices ("userId", at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE calendar_notices');
    await queryRunner.query('DROP TABLE calendar_event_reminders');
    await queryRunner.query('DROP TABLE calendar_settings');
  }
}
