import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CALENDAR_RANGE_MAX_DAYS, CalendarFeed, CalendarFeedStatus, CalendarNoticeList, CalendarRange, CalendarSettings, REMINDER_DEFAULT_MINUTES } from '@parley/contracts';
import type { Response } from 'express';
import { CurrentUserEntity, Public } from '../auth/auth.decorators';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { UserEntity } from '../users/user.entity';
import { CalendarFeedsService, feedNotFound } from './calendar-feeds.service';
import { CalendarReader } from './calendar-reader';
import { CalendarReminders } from './calendar-reminders';
import { CalendarFeedDto, CalendarFeedStatusDto, CalendarNoticeListDto, CalendarRangeDto, CalendarRangeQueryDto, CalendarSettingsDto } from './dto/calendar.dto';

@ApiTags('calendar')
@Controller('calendar')
export class CalendarController {
  constructor(
    private readonly reader: CalendarReader,
    private readonly feeds: CalendarFeedsService,
    private readonly reminders: CalendarReminders,
  ) {}

  @Get()
  @ApiAuth()
  @ApiOperation({
    summary: 'My calendar over a range',
    description: `The occurrences overlapping [from, to) (at most ${CALENDAR_RANGE_MAX_DAYS} days) of events in every room I am a member of, as a room\u2019s calendar lists them (exceptions applied, RSVP counts and names), with their events (each with its \`roomId\`).`,
  })
  @ApiOkResponse({ type: CalendarRangeDto })
  @ApiErrors(400)
  range(@CurrentUserEntity() user: UserEntity, @Query() query: CalendarRangeQueryDto): Promise<CalendarRange> {
    return this.reader.myRange(user.id, query.from, query.to);
  }

  @Get('settings')
  @ApiAuth()
  @ApiOperation({ summary: 'My calendar settings', description: `When my reminders fire unless I choose otherwise for an event: minutes before each occurrence, or null for none (${REMINDER_DEFAULT_MINUTES} until changed).` })
  @ApiOkResponse({ type: CalendarSettingsDto })
  @ApiErrors(400)
  settings(@CurrentUserEntity() user: UserEntity): Promise<CalendarSettings> {
    return this.reminders.getSettings(user.id);
  }

  @Put('settings')
  @ApiAuth()
  @ApiOperation({ summary: 'Change my calendar settings', description: 'The default reminder: whole minutes before each occurrence (0: at the start), or null for no reminders.' })
  @ApiOkResponse({ type: CalendarSettingsDto })
  @ApiErrors(400)
  changeSettings(@CurrentUserEntity() user: UserEntity, @Body() body: CalendarSettingsDto): Promise<CalendarSettings> {
    return this.reminders.setSettings(user.id, body);
  }

  @Get('notices')
  @ApiAuth()
  @ApiOperation({
    summary: 'My recent calendar notices',
    description:
      'Reminders, "starting now" (for occurrences I am going to) and cancellations from the last 14 days, newest first (at most 50), in rooms I am still in: the same notices `calendar:notice` delivers live. Each is sent once, whichever API process sends it.',
  })
  @ApiOkResponse({ type: CalendarNoticeListDto })
  @ApiErrors(400)
  async notices(@CurrentUserEntity() user: UserEntity): Promise<CalendarNoticeList> {
    return { notices: (await this.reminders.list(user.id)).map(({ userId: _userId, ...notice }) => notice) };
  }

  @Post('notices/:id/dismiss')
  @HttpCode(204)
  @ApiAuth()
  @ApiUuidParam('id', 'The notice')
  @ApiOperation({ summary: 'Dismiss a notice', description: 'On every device: my other sockets get `calendar:notice-dismissed`, and the list marks it (`dismissedAt`). 404 for a notice that is not mine.' })
  @ApiNoContentResponse({ description: 'Dismissed' })
  @ApiErrors(400, 404)
  dismissNotice(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.reminders.dismiss(user.id, id);
  }

  @Get('feed')
  @ApiAuth()
  @ApiOperation({ summary: 'Whether I have a subscription feed', description: 'The token itself is shown only when it is made.' })
  @ApiOkResponse({ type: CalendarFeedStatusDto })
  @ApiErrors(400)
  feedStatus(@CurrentUserEntity() user: UserEntity): Promise<CalendarFeedStatus> {
    return this.feeds.status(user.id);
  }

  @Post('feed')
  @ApiAuth()
  @ApiOperation({
    summary: 'Make a subscription feed',
    description:
      'A secret URL (`/api/calendar/feed/<token>.ics`) that serves my rooms\u2019 events as iCalendar without a session, for Outlook, Google or Apple calendars. Making a new one revokes the old. Anyone holding the URL reads the events (in end-to-end encrypted rooms: their times only, titled "Encrypted event"). The server keeps only the token\u2019s SHA-256.',
  })
  @ApiCreatedResponse({ type: CalendarFeedDto })
  @ApiErrors(400)
  createFeed(@CurrentUserEntity() user: UserEntity): Promise<CalendarFeed> {
    return this.feeds.create(user.id);
  }

  @Delete('feed')
  @HttpCode(204)
  @ApiAuth()
  @ApiOperation({ summary: 'Revoke my subscription feed', description: 'Its URL answers 404 from now on.' })
  @ApiNoContentResponse({ description: 'Revoked (or there was none)' })
  @ApiErrors(400)
  async revokeFeed(@CurrentUserEntity() user: UserEntity): Promise<void> {
    await this.feeds.revoke(user.id);
  }

  @Get('feed/:file')
  @Public()
  @ApiParam({ name: 'file', type: String, description: 'The feed token followed by `.ics`', example: 'cal_….ics' })
  @ApiOperation({
    summary: 'Read a subscription feed',
    description:
      'No session: the token in the URL is the credential. The events of the feed owner\u2019s rooms with occurrences in the last 90 days or later, each with its RRULE, EXDATE and overrides, in its zone with a VTIMEZONE. 404 once revoked.',
  })
  @ApiOkResponse({ description: 'The calendar', content: { 'text/calendar': { schema: { type: 'string' } } } })
  @ApiErrors(404)
  async feed(@Param('file') file: string, @Res() res: Response): Promise<void> {
    if (!file.endsWith('.ics')) throw feedNotFound();
    const body = await this.feeds.document(file.slice(0, -'.ics'.length));
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.send(body);
  }
}
