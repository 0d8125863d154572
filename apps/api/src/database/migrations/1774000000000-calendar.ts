import { MigrationInterface, QueryRunner } from 'typeorm';

/** The room calendar: events, single-occurrence exceptions, RSVPs and feed tokens (owned by calendar/, docs/calendar.md). */
export class Calendar1774000000000 implements MigrationInterface {
  name = 'Calendar1774000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const pg = queryRunner.connection.driver.options.type === 'postgres';
    const uuid = pg ? 'uuid' : 'varchar(36)';
    const id = pg ? 'uuid PRIMARY KEY DEFAULT gen_random_uuid()' : 'varchar(36) PRIMARY KEY NOT NULL';
    const time = pg ? 'timestamptz' : 'datetime';
    const no = pg ? 'boolean NOT NULL DEFAULT false' : 'boolean NOT NULL DEFAULT (0)';
    await queryRunner.query(
      `CREATE TABLE calendar_events (id ${id}, "roomId" ${uuid} NOT NULL, "createdBy" ${uuid} NOT NULL, title varchar(200) NOT NULL, description text NOT NULL, location varchar(500) NOT NULL, encrypted text, "allDay" ${no}, "startLocal" varchar(16) NOT NULL, "endLocal" varchar(16) NOT NULL, "timeZone" varchar(64) NOT NULL, rrule varchar(300), "firstStart" ${time} NOT NULL, "lastEnd" ${time}, cancelled ${no}, "createdAt" ${time} NOT NULL, "updatedAt" ${time} NOT NULL)`,
    );
    await queryRunner.query('CREATE INDEX "IDX_calendar_events_room" ON calendar_events ("roomId", "firstStart")');
    await queryRunner.query(
      `CREATE TABLE calendar_exceptions ("eventId" ${uuid} NOT NULL, occurrence varchar(16) NOT NULL, cancelled ${no}, "startLocal" varchar(16), "endLocal" varchar(16), "updatedAt" ${time} NOT NULL, PRIMARY KEY ("eventId", occurrence))`,
    );
    await queryRunner.query(
      `CREATE TABLE calendar_rsvps ("eventId" ${uuid} NOT NULL, occurrence varchar(16) NOT NULL, "userId" ${uuid} NOT NULL, status varchar(8) NOT NULL, "updatedAt" ${time} NOT NULL, PRIMARY KEY ("eventId", occurrence, "userId"))`,
    );
    await queryRunner.query(`CREATE TABLE calendar_feeds ("userId" ${uuid} PRIMARY KEY NOT NULL, "tokenHash" varchar(64) NOT NULL, "createdAt" ${time} NOT NULL, CONSTRAINT "UQ_calendar_feeds_token" UNIQUE ("tokenHash"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE calendar_feeds');
    await queryRunner.query('DROP TABLE calendar_rsvps');
    await queryRunner.query('DROP TABLE calendar_exceptions');
    await queryRunner.query('DROP TABLE calendar_events');
  }
}
