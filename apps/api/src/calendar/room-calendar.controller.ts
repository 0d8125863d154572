import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CALENDAR_IMPORT_MAX_BYTES, CALENDAR_IMPORT_MAX_EVENTS, CALENDAR_RANGE_MAX_DAYS, CalendarEvent, CalendarException, CalendarImportResult, CalendarRange, EventReminderRequest } from '@parley/contracts';
import type { Response } from 'express';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { errors } from '../common/errors';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { UserEntity } from '../users/user.entity';
import { CalendarEventsService } from './calendar-events.service';
import { toIcs } from './calendar-ics';
import { CalendarImport } from './calendar-import';
import { CalendarReader } from './calendar-reader';
import { CalendarReminders } from './calendar-reminders';
import {
  CalendarEventDto,
  CalendarExceptionDto,
  CalendarImportResultDto,
  CalendarRangeQueryDto,
  CalendarRangeDto,
  ChangeOccurrenceDto,
  CreateCalendarEventDto,
  EventReminderDto,
  RsvpDto,
  UpdateCalendarEventDto,
} from './dto/calendar.dto';

const OCCURRENCE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/;

/** The `occurrence` path parameter: an occurrence's original local start, else a 400 naming it. */
function occurrenceOf(value: string): string {
  if (!OCCURRENCE.test(value)) throw errors.validation('occurrence', 'occurrence must be the occurrence\u2019s original local start, such as 2026-10-26T09:00 (a date for all-day events)');
  return value;
}

function ApiOccurrenceParam(): MethodDecorator {
  return ApiParam({ name: 'occurrence', type: String, example: '2026-10-26T09:00', description: 'The occurrence\u2019s original local start in the event\u2019s zone (its key; a date for all-day events)' });
}

const ENCRYPTED_NOTE =
  ' In an end-to-end encrypted room the title, description and location travel only in `encrypted` (a Megolm ciphertext made on the device, like a message), plaintext there is refused, and the server sees only the times, zone and rule (so the calendar and reminders work).';

@ApiTags('calendar')
@ApiAuth()
@Controller('rooms/:roomId/events')
export class RoomCalendarController {
  constructor(
    private readonly events: CalendarEventsService,
    private readonly reader: CalendarReader,
    private readonly reminders: CalendarReminders,
    private readonly importer: CalendarImport,
  ) {}

  @Post()
  @ApiUuidParam('roomId', 'The room')
  @ApiOperation({
    summary: 'Create an event',
    description: `Any member of the room. Times are local in an IANA \`timeZone\`; \`allDay\` events take dates. An optional RFC 5545 \`rrule\` repeats it, expanded in the event\u2019s own zone (a weekly 09:00 Europe/Berlin stays 09:00 local across DST changes).${ENCRYPTED_NOTE} 409 in an archived room.`,
  })
  @ApiCreatedResponse({ type: CalendarEventDto })
  @ApiErrors(400, 404, 409)
  create(@CurrentUserEntity() user: UserEntity, @Param('roomId', uuidParam('roomId')) roomId: string, @Body() body: CreateCalendarEventDto): Promise<CalendarEvent> {
    return this.events.create(user, roomId, body);
  }

  @Get()
  @ApiUuidParam('roomId', 'The room')
  @ApiOperation({
    summary: 'A room\u2019s calendar over a range',
    description: `Every occurrence overlapping [from, to) (at most ${CALENDAR_RANGE_MAX_DAYS} days), exceptions applied (moved ones where they moved to, cancelled ones marked), with RSVP counts, names and your own answer; and the events they belong to. Members only.`,
  })
  @ApiOkResponse({ type: CalendarRangeDto })
  @ApiErrors(400, 404)
  range(@CurrentUserEntity() user: UserEntity, @Param('roomId', uuidParam('roomId')) roomId: string, @Query() query: CalendarRangeQueryDto): Promise<CalendarRange> {
    return this.reader.roomRange(user.id, roomId, query.from, query.to);
  }

  @Get(':eventId')
  @ApiUuidParam('roomId', 'The room')
  @ApiUuidParam('eventId', 'The event')
  @ApiOperation({ summary: 'Read an event', description: 'The event with its exceptions. Members only.' })
  @ApiOkResponse({ type: CalendarEventDto })
  @ApiErrors(400, 404)
  get(@CurrentUserEntity() user: UserEntity, @Param('roomId', uuidParam('roomId')) roomId: string, @Param('eventId', uuidParam('eventId')) eventId: string): Promise<CalendarEvent> {
    return this.events.get(user, roomId, eventId);
  }

  @Patch(':eventId')
  @ApiUuidParam('roomId', 'The room')
  @ApiUuidParam('eventId', 'The event')
  @ApiOperation({
    summary: 'Change an event',
    description: `Its creator, or the room\u2019s owner or admins. Fields left out stay; \`rrule: null\` makes it a single event. Moved and cancelled occurrences and RSVPs stay with their occurrence\u2019s original start: those the new schedule no longer has are not shown.${ENCRYPTED_NOTE} 409 when the event is cancelled or the room archived.`,
  })
  @ApiOkResponse({ type: CalendarEventDto })
  @ApiErrors(400, 403, 404, 409)
  update(
    @CurrentUserEntity() user: UserEntity,
    @Param('roomId', uuidParam('roomId')) roomId: string,
    @Param('eventId', uuidParam('eventId')) eventId: string,
    @Body() body: UpdateCalendarEventDto,
  ): Promise<CalendarEvent> {
    return this.events.update(user, roomId, eventId, body);
  }

  @Post(':eventId/cancel')
  @HttpCode(200)
  @ApiUuidParam('roomId', 'The room')
  @ApiUuidParam('eventId', 'The event')
  @ApiOperation({ summary: 'Cancel an event', description: 'Every occurrence; the event stays listed, marked cancelled. Its creator, or the room\u2019s owner or admins.' })
  @ApiOkResponse({ type: CalendarEventDto })
  @ApiErrors(400, 403, 404, 409)
  cancel(@CurrentUserEntity() user: UserEntity, @Param('roomId', uuidParam('roomId')) roomId: string, @Param('eventId', uuidParam('eventId')) eventId: string): Promise<CalendarEvent> {
    return this.events.cancel(user, roomId, eventId);
  }

  @Put(':eventId/occurrences/:occurrence')
  @ApiUuidParam('roomId', 'The room')
  @ApiUuidParam('eventId', 'The event')
  @ApiOccurrenceParam()
  @ApiOperation({
    summary: 'Move or cancel one occurrence',
    description: '`start` and `end` (local in the event\u2019s zone) move it; `cancelled` cancels it or brings it back. Its creator, or the room\u2019s owner or admins. 404 when the rule has no occurrence at that start.',
  })
  @ApiOkResponse({ type: CalendarExceptionDto })
  @ApiErrors(400, 403, 404, 409)
  changeOccurrence(
    @CurrentUserEntity() user: UserEntity,
    @Param('roomId', uuidParam('roomId')) roomId: string,
    @Param('eventId', uuidParam('eventId')) eventId: string,
    @Param('occurrence') occurrence: string,
    @Body() body: ChangeOccurrenceDto,
  ): Promise<CalendarException> {
    return this.events.changeOccurrence(user, roomId, eventId, occurrenceOf(occurrence), body);
  }

  @Delete(':eventId/occurrences/:occurrence')
  @HttpCode(204)
  @ApiUuidParam('roomId', 'The room')
  @ApiUuidParam('eventId', 'The event')
  @ApiOccurrenceParam()
  @ApiOperation({ summary: 'Put one occurrence back', description: 'As the rule says: neither moved nor cancelled.' })
  @ApiNoContentResponse({ description: 'Back as the rule says' })
  @ApiErrors(400, 403, 404, 409)
  restoreOccurrence(
    @CurrentUserEntity() user: UserEntity,
    @Param('roomId', uuidParam('roomId')) roomId: string,
    @Param('eventId', uuidParam('eventId')) eventId: string,
    @Param('occurrence') occurrence: string,
  ): Promise<void> {
    return this.events.restoreOccurrence(user, roomId, eventId, occurrenceOf(occurrence));
  }

  @Put(':eventId/occurrences/:occurrence/rsvp')
  @HttpCode(204)
  @ApiUuidParam('roomId', 'The room')
  @ApiUuidParam('eventId', 'The event')
  @ApiOccurrenceParam()
  @ApiOperation({ summary: 'Answer for one occurrence', description: 'Going, maybe or declined; a new answer replaces yours. Any member. 409 when the occurrence or the event is cancelled.' })
  @ApiNoContentResponse({ description: 'Answered' })
  @ApiErrors(400, 404, 409)
  rsvp(
    @CurrentUserEntity() user: UserEntity,
    @Param('roomId', uuidParam('roomId')) roomId: string,
    @Param('eventId', uuidParam('eventId')) eventId: string,
    @Param('occurrence') occurrence: string,
    @Body() body: RsvpDto,
  ): Promise<void> {
    return this.events.setRsvp(user, roomId, eventId, occurrenceOf(occurrence), body.status);
  }

  @Delete(':eventId/occurrences/:occurrence/rsvp')
  @HttpCode(204)
  @ApiUuidParam('roomId', 'The room')
  @ApiUuidParam('eventId', 'The event')
  @ApiOccurrenceParam()
  @ApiOperation({ summary: 'Take back your answer', description: 'For one occurrence.' })
  @ApiNoContentResponse({ description: 'No answer any more' })
  @ApiErrors(400, 404, 409)
  removeRsvp(
    @CurrentUserEntity() user: UserEntity,
    @Param('roomId', uuidParam('roomId')) roomId: string,
    @Param('eventId', uuidParam('eventId')) eventId: string,
    @Param('occurrence') occurrence: string,
  ): Promise<void> {
    return this.events.setRsvp(user, roomId, eventId, occurrenceOf(occurrence), null);
  }

  @Put(':eventId/reminder')
  @ApiUuidParam('roomId', 'The room')
  @ApiUuidParam('eventId', 'The event')
  @ApiOperation({
    summary: 'Choose my reminder for an event',
    description: `Minutes before each of its occurrences (0: at the start), or null for none, instead of my default (\`GET /api/calendar/settings\`). Mine only; any member. The room\u2019s calendar lists my choices in \`reminders\`.`,
  })
  @ApiOkResponse({ type: EventReminderDto })
  @ApiErrors(400, 404)
  async setReminder(
    @CurrentUserEntity() user: UserEntity,
    @Param('roomId', uuidParam('roomId')) roomId: string,
    @Param('eventId', uuidParam('eventId')) eventId: string,
    @Body() body: EventReminderDto,
  ): Promise<EventReminderRequest> {
    await this.events.find(user, roomId, eventId);
    return this.reminders.setForEvent(user.id, eventId, body.minutes);
  }

  @Delete(':eventId/reminder')
  @HttpCode(204)
  @ApiUuidParam('roomId', 'The room')
  @ApiUuidParam('eventId', 'The event')
  @ApiOperation({ summary: 'Use my default reminder for an event', description: 'Forgets my own choice for this event.' })
  @ApiNoContentResponse({ description: 'Back to my default' })
  @ApiErrors(400, 404)
  async clearReminder(@CurrentUserEntity() user: UserEntity, @Param('roomId', uuidParam('roomId')) roomId: string, @Param('eventId', uuidParam('eventId')) eventId: string): Promise<void> {
    await this.events.find(user, roomId, eventId);
    await this.reminders.clearForEvent(user.id, eventId);
  }

  @Post('import')
  @ApiUuidParam('roomId', 'The room')
  @ApiQuery({ name: 'timeZone', required: false, example: 'Europe/Berlin', description: 'Where to place times given in UTC, floating or in a zone the file names only by its own VTIMEZONE (such as Outlook\u2019s Windows names); UTC when left out' })
  @ApiBody({ description: `The .ics file itself (Content-Type text/calendar), at most ${CALENDAR_IMPORT_MAX_BYTES} bytes`, required: true, schema: { type: 'string' } })
  @ApiConsumes('text/calendar')
  @ApiOperation({
    summary: 'Import an .ics file into the room',
    description: `Any member. Each VEVENT becomes an event (at most ${CALENDAR_IMPORT_MAX_EVENTS}) with its RRULE; EXDATEs become cancelled occurrences and overrides (RECURRENCE-ID) moved or cancelled ones. Times with an IANA TZID keep their zone. What Parley cannot take (an RRULE it refuses, RDATEs, a cancelled event) is listed in \`skipped\` with the reason and the rest is imported. 400 when the body is not iCalendar, 413 above the size limit, 415 for another Content-Type, 409 in an end-to-end encrypted room (the server cannot write the text there) or an archived one.`,
  })
  @ApiCreatedResponse({ type: CalendarImportResultDto })
  @ApiErrors(400, 404, 409, 413, 415)
  import(
    @CurrentUserEntity() user: UserEntity,
    @Param('roomId', uuidParam('roomId')) roomId: string,
    @Query('timeZone') timeZone: string | undefined,
    @Body() body: unknown,
  ): Promise<CalendarImportResult> {
    return this.importer.import(user, roomId, body, typeof timeZone === 'string' ? timeZone : undefined);
  }

  @Get(':eventId/ics')
  @ApiUuidParam('roomId', 'The room')
  @ApiUuidParam('eventId', 'The event')
  @ApiOperation({
    summary: 'Download an event as iCalendar',
    description:
      'An `.ics` file: the event with its RRULE, cancelled occurrences as EXDATE, moved ones as overrides (RECURRENCE-ID), times in its zone with a VTIMEZONE. Members only. In an end-to-end encrypted room the server cannot read the event\u2019s text: the file has the times, titled "Encrypted event", with no description or location, and the web app writes the decrypted text into it on the device.',
  })
  @ApiOkResponse({ description: 'The event', content: { 'text/calendar': { schema: { type: 'string' } } } })
  @ApiErrors(400, 404)
  async ics(
    @CurrentUserEntity() user: UserEntity,
    @Param('roomId', uuidParam('roomId')) roomId: string,
    @Param('eventId', uuidParam('eventId')) eventId: string,
    @Res() res: Response,
  ): Promise<void> {
    const { membership, event } = await this.events.find(user, roomId, eventId);
    const name = membership.room.encrypted ? 'Encrypted event' : event.title;
    const body = toIcs([await this.reader.loaded(event)], { name });
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.attachment(`${fileStem(name)}.ics`);
    res.send(body);
  }
}

/** A file name from the title: letters, digits and dashes only. */
function fileStem(title: string): string {
  const stem = title
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return stem || 'event';
}
