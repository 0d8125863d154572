import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CALENDAR_DESCRIPTION_MAX_LENGTH,
  CALENDAR_LOCATION_MAX_LENGTH,
  CALENDAR_RANGE_MAX_DAYS,
  CALENDAR_RRULE_MAX_LENGTH,
  CALENDAR_TITLE_MAX_LENGTH,
  CalendarEvent,
  CalendarException,
  CalendarFeed,
  CalendarFeedStatus,
  CalendarImportResult,
  CalendarNotice,
  CalendarNoticeKind,
  CalendarNoticeList,
  CalendarOccurrence,
  CalendarSettings,
  EventReminderRequest,
  REMINDER_DEFAULT_MINUTES,
  REMINDER_MAX_MINUTES,
  CalendarRange,
  ChangeOccurrenceRequest,
  CreateCalendarEventRequest,
  RSVP_STATUSES,
  RsvpPerson,
  RsvpRequest,
  RsvpStatus,
  RsvpSummary,
  UpdateCalendarEventRequest,
} from '@parley/contracts';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsISO8601, IsObject, IsString, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { PlainLine, PlainText, presence } from '../../common/field-rules';
import { EncryptedContentDto, EncryptedContentInputDto } from '../../messages/dto/messages.dto';

const E2EE_TEXT = 'Must be left out (or empty) in an end-to-end encrypted room, where it travels in `encrypted`.';
const LOCAL = 'A local date-time in `timeZone` such as `2026-10-12T09:00`; for an all-day event a date such as `2026-10-12`.';

function Text(name: string, max: number, multiLine: boolean, required: boolean, description: string): PropertyDecorator {
  return applyDecorators(
    ...presence(name, { optional: !required }, { maxLength: max, description }),
    IsString({ message: `${name} must be text` }),
    MaxLength(max, { message: `${name} must be at most ${max} characters` }),
    multiLine ? PlainText(name) : PlainLine(name),
  );
}

function LocalTime(name: string, required: boolean, description: string): PropertyDecorator {
  // The shape depends on `allDay`: the service checks it, naming the field.
  return applyDecorators(...presence(name, { optional: !required }, { example: '2026-10-12T09:00', description }), IsString({ message: `${name} must be text` }), MaxLength(16, { message: `${name} must be ${LOCAL}` }));
}

function Encrypted(): PropertyDecorator {
  return applyDecorators(
    ...presence('encrypted', { optional: true }, {
      type: EncryptedContentInputDto,
      description:
        'Required in an end-to-end encrypted room, refused in any other: the Megolm ciphertext (made on the device, like a message\u2019s) of `{title, description, location}` (event type `parley.calendar.event`). The server never sees that text; the times, zone and rule stay in clear so the calendar and reminders work. See docs/calendar.md.',
    }),
    IsObject({ message: 'encrypted must be an object' }),
    ValidateNested(),
    Type(() => EncryptedContentInputDto),
  );
}

function Rule(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      nullable: true,
      maxLength: CALENDAR_RRULE_MAX_LENGTH,
      example: 'FREQ=WEEKLY;BYDAY=MO',
      description:
        'An RFC 5545 RRULE value (an `RRULE:` prefix is allowed): FREQ DAILY, WEEKLY, MONTHLY or YEARLY, with INTERVAL (1 to 999), COUNT (1 to 1000) or UNTIL, BYDAY (`MO,WE`, `1MO`, `-1FR`), BYMONTHDAY, BYMONTH, BYSETPOS, WKST. Expanded in the event\u2019s own time zone. null or left out: a single event.',
    }),
    ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null),
    IsString({ message: 'rrule must be text (or null)' }),
    MaxLength(CALENDAR_RRULE_MAX_LENGTH, { message: `rrule must be at most ${CALENDAR_RRULE_MAX_LENGTH} characters` }),
  );
}

class CalendarEventFields {
  @Text('description', CALENDAR_DESCRIPTION_MAX_LENGTH, true, false, `What it is about. ${E2EE_TEXT}`) description?: string;
  @Text('location', CALENDAR_LOCATION_MAX_LENGTH, false, false, `A place or a link. ${E2EE_TEXT}`) location?: string;
  @Encrypted() encrypted?: EncryptedContentInputDto;
  @Rule() rrule?: string | null;
}

export class CreateCalendarEventDto extends CalendarEventFields implements CreateCalendarEventRequest {
  @Text('title', CALENDAR_TITLE_MAX_LENGTH, false, false, `Required outside encrypted rooms. ${E2EE_TEXT}`) title?: string;

  @ApiPropertyOptional({ default: false, description: 'An all-day event: `start` and `end` are dates, `end` the day after the last day' })
  @ValidateIf((_o: object, v: unknown) => v !== undefined)
  @IsBoolean({ message: 'allDay must be true or false' })
  allDay?: boolean;

  @LocalTime('start', true, LOCAL) start!: string;
  @LocalTime('end', true, `${LOCAL} After \`start\`, at most 31 days later; an all-day event\u2019s end is the day after its last day.`) end!: string;

  @ApiProperty({ example: 'Europe/Berlin', description: 'The IANA time zone the times are in (offsets such as `+01:00` are refused)' })
  @IsDefined({ message: 'timeZone is required' })
  @IsString({ message: 'timeZone must be text' })
  @MaxLength(64, { message: 'timeZone must be at most 64 characters' })
  timeZone!: string;
}

export class UpdateCalendarEventDto extends CalendarEventFields implements UpdateCalendarEventRequest {
  @Text('title', CALENDAR_TITLE_MAX_LENGTH, false, false, `Not empty outside encrypted rooms. ${E2EE_TEXT}`) title?: string;

  @ApiPropertyOptional({ description: 'Changing it needs `start` and `end` in the new form' })
  @ValidateIf((_o: object, v: unknown) => v !== undefined)
  @IsBoolean({ message: 'allDay must be true or false' })
  allDay?: boolean;

  @LocalTime('start', false, LOCAL) start?: string;
  @LocalTime('end', false, LOCAL) end?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'The IANA time zone' })
  @ValidateIf((_o: object, v: unknown) => v !== undefined)
  @IsString({ message: 'timeZone must be text' })
  @MaxLength(64, { message: 'timeZone must be at most 64 characters' })
  timeZone?: string;
}

export class ChangeOccurrenceDto implements ChangeOccurrenceRequest {
  @ApiPropertyOptional({ description: 'true cancels this occurrence; false brings a cancelled one back' })
  @ValidateIf((_o: object, v: unknown) => v !== undefined)
  @IsBoolean({ message: 'cancelled must be true or false' })
  cancelled?: boolean;

  @LocalTime('start', false, `Where the occurrence moves to: ${LOCAL} Give \`end\` with it.`) start?: string;
  @LocalTime('end', false, 'Its new end, in the same form') end?: string;
}

export class RsvpDto implements RsvpRequest {
  @ApiProperty({ enum: RSVP_STATUSES, enumName: 'RsvpStatus' })
  @IsIn(RSVP_STATUSES, { message: `status must be one of: ${RSVP_STATUSES.join(', ')}` })
  status!: RsvpStatus;
}

export class CalendarRangeQueryDto {
  @ApiProperty({ format: 'date-time', description: `From this instant (ISO 8601). The range covers at most ${CALENDAR_RANGE_MAX_DAYS} days.` })
  @IsDefined({ message: 'from is required' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or time' })
  from!: string;

  @ApiProperty({ format: 'date-time', description: 'Up to (not including) this instant' })
  @IsDefined({ message: 'to is required' })
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or time' })
  to!: string;
}

class CalendarPersonDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class CalendarExceptionDto implements CalendarException {
  @ApiProperty({ description: 'The occurrence\u2019s original local start (its key)', example: '2026-10-26T09:00' }) occurrence!: string;
  @ApiProperty() cancelled!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Moved to (local)' }) start!: string | null;
  @ApiProperty({ type: String, nullable: true }) end!: string | null;
}

export class CalendarEventDto implements CalendarEvent {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ description: 'Empty in an end-to-end encrypted room' }) title!: string;
  @ApiProperty({ description: 'Empty in an end-to-end encrypted room' }) description!: string;
  @ApiProperty({ description: 'A place or a link; empty in an end-to-end encrypted room' }) location!: string;
  @ApiProperty({ type: EncryptedContentDto, nullable: true, description: 'In an end-to-end encrypted room: the ciphertext of `{title, description, location}`' })
  encrypted!: EncryptedContentDto | null;
  @ApiProperty() allDay!: boolean;
  @ApiProperty({ example: '2026-10-12T09:00', description: 'Local in `timeZone` (a date for all-day events)' }) start!: string;
  @ApiProperty({ example: '2026-10-12T10:00', description: 'Local in `timeZone` (for all-day events the day after the last day)' }) end!: string;
  @ApiProperty({ example: 'Europe/Berlin' }) timeZone!: string;
  @ApiProperty({ type: String, nullable: true, example: 'FREQ=WEEKLY;BYDAY=MO' }) rrule!: string | null;
  @ApiProperty() cancelled!: boolean;
  @ApiProperty({ type: CalendarPersonDto }) createdBy!: CalendarPersonDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: [CalendarExceptionDto] }) exceptions!: CalendarExceptionDto[];
}

class RsvpPersonDto implements RsvpPerson {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: RSVP_STATUSES, enumName: 'RsvpStatus' }) status!: RsvpStatus;
}

class RsvpSummaryDto implements RsvpSummary {
  @ApiProperty() going!: number;
  @ApiProperty() maybe!: number;
  @ApiProperty() declined!: number;
  @ApiProperty({ type: [RsvpPersonDto] }) people!: RsvpPersonDto[];
  @ApiProperty({ enum: RSVP_STATUSES, enumName: 'RsvpStatus', nullable: true, description: 'Your own answer' }) mine!: RsvpStatus | null;
}

export class CalendarOccurrenceDto implements CalendarOccurrence {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ description: 'The original local start: the key exceptions and RSVPs use', example: '2026-10-26T09:00' }) occurrence!: string;
  @ApiProperty({ format: 'date-time' }) start!: string;
  @ApiProperty({ format: 'date-time' }) end!: string;
  @ApiProperty({ example: '2026-10-26T09:00' }) localStart!: string;
  @ApiProperty({ example: '2026-10-26T10:00' }) localEnd!: string;
  @ApiProperty() moved!: boolean;
  @ApiProperty({ description: 'This occurrence or the whole event is cancelled' }) cancelled!: boolean;
  @ApiProperty({ type: RsvpSummaryDto }) rsvp!: RsvpSummaryDto;
}

export class CalendarRangeDto implements CalendarRange {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: [CalendarEventDto] }) events!: CalendarEventDto[];
  @ApiProperty({ type: [CalendarOccurrenceDto], description: 'Every occurrence overlapping the range, in order of start' }) occurrences!: CalendarOccurrenceDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', nullable: true },
    example: { '6f1c0e4e-1b0a-4c1e-9a51-4f3a1f0c2b7d': 30 },
    description: 'My own reminder for these events where I chose one (event id to minutes before, null for none); the others follow my settings',
  })
  reminders!: Record<string, number | null>;
}

/** Whole minutes before, or null for none. */
function ReminderMinutes(field: string, description: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: 'integer', nullable: true, minimum: 0, maximum: REMINDER_MAX_MINUTES, example: 30, description }),
    IsDefined({ message: `${field} is required (null for no reminder)` }),
    ValidateIf((_o: object, v: unknown) => v !== null),
    IsInt({ message: `${field} must be a whole number of minutes from 0 to ${REMINDER_MAX_MINUTES}, or null for no reminder` }),
    Min(0, { message: `${field} must be a whole number of minutes from 0 to ${REMINDER_MAX_MINUTES}, or null for no reminder` }),
    Max(REMINDER_MAX_MINUTES, { message: `${field} must be a whole number of minutes from 0 to ${REMINDER_MAX_MINUTES}, or null for no reminder` }),
  );
}

export class CalendarSettingsDto implements CalendarSettings {
  @ReminderMinutes('reminderMinutes', `When reminders fire by default, in minutes before each occurrence (0: at the start; null: no reminders). ${REMINDER_DEFAULT_MINUTES} until changed.`)
  reminderMinutes!: number | null;
}

export class EventReminderDto implements EventReminderRequest {
  @ReminderMinutes('minutes', 'Minutes before each occurrence of this event (0: at the start; null: no reminder for this event)')
  minutes!: number | null;
}

const NOTICE_KINDS = Object.values(CalendarNoticeKind);

export class CalendarNoticeDto implements CalendarNotice {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTICE_KINDS, enumName: 'CalendarNoticeKind', description: '`reminder`, `starting` (an occurrence you are going to began) or `cancelled`' }) kind!: CalendarNoticeKind;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ description: 'The room as you see it (a direct room by the other person)' }) roomName!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: '2026-10-26T09:00', description: 'The occurrence’s key (its original local start)' }) occurrence!: string;
  @ApiProperty({ description: 'Empty in an end-to-end encrypted room: decrypt the event' }) title!: string;
  @ApiProperty() allDay!: boolean;
  @ApiProperty({ example: 'Europe/Berlin' }) timeZone!: string;
  @ApiProperty({ format: 'date-time' }) start!: string;
  @ApiProperty({ format: 'date-time' }) end!: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The reminder’s lead (reminders only)' }) minutesBefore!: number | null;
  @ApiProperty({ format: 'date-time', description: 'When it was sent' }) at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When I dismissed it, on any of my devices' }) dismissedAt!: string | null;
}

export class CalendarNoticeListDto implements CalendarNoticeList {
  @ApiProperty({ type: [CalendarNoticeDto] }) notices!: CalendarNoticeDto[];
}

class ImportSkippedDto {
  @ApiProperty({ type: String, nullable: true }) uid!: string | null;
  @ApiProperty() summary!: string;
  @ApiProperty() reason!: string;
}

export class CalendarImportResultDto implements CalendarImportResult {
  @ApiProperty({ type: [CalendarEventDto] }) created!: CalendarEventDto[];
  @ApiProperty({ type: [ImportSkippedDto], description: 'What could not be taken, and why' }) skipped!: ImportSkippedDto[];
}

export class CalendarFeedDto implements CalendarFeed {
  @ApiProperty({ description: 'The secret; shown only now' }) token!: string;
  @ApiProperty({ example: '/api/calendar/feed/cal_….ics' }) path!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The full URL when PUBLIC_URL is set' }) url!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CalendarFeedStatusDto implements CalendarFeedStatus {
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) createdAt!: string | null;
}
