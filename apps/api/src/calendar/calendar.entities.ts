import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * A calendar event in a room. Its start and end are local wall times in `timeZone` (dates for all-day
 * events); `firstStart` and `lastEnd` are the instants its occurrences span (lastEnd null: the rule has no end),
 * kept so a range query reads only the events that may fall in it. Owned by the calendar module.
 */
@Entity('calendar_events')
@Index('IDX_calendar_events_room', ['roomId', 'firstStart'])
export class CalendarEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  roomId!: string;

  @Column({ type: 'uuid' })
  createdBy!: string;

  /** Empty in an end-to-end encrypted room. */
  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'varchar', length: 500 })
  location!: string;

  /** The EncryptedContent (JSON) in an end-to-end encrypted room, else null. */
  @Column({ type: 'text', nullable: true })
  encrypted!: string | null;

  @Column({ type: 'boolean', default: false })
  allDay!: boolean;

  @Column({ type: 'varchar', length: 16 })
  startLocal!: string;

  @Column({ type: 'varchar', length: 16 })
  endLocal!: string;

  @Column({ type: 'varchar', length: 64 })
  timeZone!: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  rrule!: string | null;

  @Column({ type: Date })
  firstStart!: Date;

  @Column({ type: Date, nullable: true })
  lastEnd!: Date | null;

  @Column({ type: 'boolean', default: false })
  cancelled!: boolean;

  @Column({ type: Date })
  createdAt!: Date;

  @Column({ type: Date })
  updatedAt!: Date;
}

/** One occurrence moved or cancelled, keyed by its original local start. */
@Entity('calendar_exceptions')
export class CalendarExceptionEntity {
  @PrimaryColumn({ type: 'uuid' })
  eventId!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  occurrence!: string;

  @Column({ type: 'boolean', default: false })
  cancelled!: boolean;

  @Column({ type: 'varchar', length: 16, nullable: true })
  startLocal!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  endLocal!: string | null;

  @Column({ type: Date })
  updatedAt!: Date;
}

/** A member's answer for one occurrence. */
@Entity('calendar_rsvps')
export class CalendarRsvpEntity {
  @PrimaryColumn({ type: 'uuid' })
  eventId!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  occurrence!: string;

  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 8 })
  status!: string;

  @Column({ type: Date })
  updatedAt!: Date;
}

/** A user's subscription feed: only the SHA-256 of its token is stored. */
@Entity('calendar_feeds')
@Unique('UQ_calendar_feeds_token', ['tokenHash'])
export class CalendarFeedEntity {
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ type: Date })
  createdAt!: Date;
}

/** A user's calendar settings: the default reminder (minutes before; null: none). No row: the default of 15. */
@Entity('calendar_settings')
export class CalendarSettingsEntity {
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'integer', nullable: true })
  reminderMinutes!: number | null;

  @Column({ type: Date })
  updatedAt!: Date;
}

/** A user's own reminder for one event (minutes before each occurrence; null: none), instead of their default. */
@Entity('calendar_event_reminders')
export class CalendarEventReminderEntity {
  @PrimaryColumn({ type: 'uuid' })
  eventId!: string;

  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'integer', nullable: true })
  minutes!: number | null;
}

/**
 * A notice sent to one person about one occurrence: a reminder, "starting now" or a cancellation. The unique key
 * makes each one happen once per occurrence and start time (a moved occurrence is reminded of again): whichever
 * process inserts the row sends it.
 */
@Entity('calendar_notices')
@Unique('UQ_calendar_notices_once', ['eventId', 'occurrence', 'userId', 'kind', 'startAt'])
@Index('IDX_calendar_notices_user', ['userId', 'at'])
export class CalendarNoticeEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'uuid' })
  eventId!: string;

  @Column({ type: 'uuid' })
  roomId!: string;

  @Column({ type: 'varchar', length: 16 })
  occurrence!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ type: 'integer', nullable: true })
  minutesBefore!: number | null;

  @Column({ type: Date })
  startAt!: Date;

  @Column({ type: Date })
  endAt!: Date;

  @Column({ type: Date })
  at!: Date;

  @Column({ type: Date, nullable: true })
  dismissedAt!: Date | null;
}

export const CALENDAR_ENTITIES = [
  CalendarEventEntity,
  CalendarExceptionEntity,
  CalendarRsvpEntity,
  CalendarFeedEntity,
  CalendarSettingsEntity,
  CalendarEventReminderEntity,
  CalendarNoticeEntity,
];
