import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobsModule } from '../jobs/jobs.module';
import { RoomsModule } from '../rooms/rooms.module';
import { UsersModule } from '../users/users.module';
import { CalendarEventsService } from './calendar-events.service';
import { CalendarFeedsService } from './calendar-feeds.service';
import { CalendarImport } from './calendar-import';
import { CalendarReader } from './calendar-reader';
import { CalendarReminders } from './calendar-reminders';
import { CalendarController } from './calendar.controller';
import { CALENDAR_ENTITIES } from './calendar.entities';
import { RoomCalendarController } from './room-calendar.controller';

/**
 * The room calendar (issue 13, docs/calendar.md): events, exceptions, RSVPs, ICS and feeds. Its tables are
 * calendar_events, calendar_exceptions, calendar_rsvps, calendar_feeds, calendar_settings, calendar_event_reminders and
 * calendar_notices; rooms and users are read through their
 * modules. Changes raise domain events; realtime/ delivers them.
 */
@Module({
  imports: [TypeOrmModule.forFeature(CALENDAR_ENTITIES), RoomsModule, UsersModule, JobsModule],
  controllers: [RoomCalendarController, CalendarController],
  providers: [CalendarEventsService, CalendarReader, CalendarFeedsService, CalendarReminders, CalendarImport],
})
export class CalendarModule {}
