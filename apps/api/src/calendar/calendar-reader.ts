import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CALENDAR_RANGE_MAX_DAYS, CalendarEvent, CalendarOccurrence, CalendarRange, RsvpPerson, RsvpStatus, RsvpSummary } from '@parley/contracts';
import { Brackets, In, Repository } from 'typeorm';
import { errors } from '../common/errors';
import { RoomsService } from '../rooms/rooms.service';
import { UsersService } from '../users/users.service';
import { CalendarReminders } from './calendar-reminders';
import { CalendarEventEntity, CalendarExceptionEntity, CalendarRsvpEntity } from './calendar.entities';
import { toCalendarEvent } from './calendar.mapper';
import { expand, scheduleOf } from './schedule';

const CHUNK = 500;
/** The most events one range or feed reads. */
export const CALENDAR_EVENTS_READ_MAX = 2000;

/** An event with its exceptions and its creator's name: what ICS and ranges are built from. */
export interface LoadedEvent {
  row: CalendarEventEntity;
  exceptions: CalendarExceptionEntity[];
  view: CalendarEvent;
}

/** A checked range: instants, `to` after `from`, at most CALENDAR_RANGE_MAX_DAYS wide. */
export function checkedRange(fromText: string, toText: string): { from: Date; to: Date } {
  const from = new Date(fromText);
  const to = new Date(toText);
  if (Number.isNaN(from.getTime())) throw errors.validation('from', 'from must be an ISO 8601 date or time');
  if (Number.isNaN(to.getTime())) throw errors.validation('to', 'to must be an ISO 8601 date or time');
  if (to <= from) throw errors.validation('to', 'to must be after from');
  if (to.getTime() - from.getTime() > CALENDAR_RANGE_MAX_DAYS * 86_400_000) throw errors.validation('to', `The range may cover at most ${CALENDAR_RANGE_MAX_DAYS} days`);
  return { from, to };
}

/**
 * Reads the calendar: a room's or all of a user's rooms' occurrences in a range (expanded in each event's
 * zone, exceptions applied, with RSVP counts and names), and the events a feed or an ICS download holds.
 */
@Injectable()
export class CalendarReader {
  constructor(
    @InjectRepository(CalendarEventEntity) private readonly events: Repository<CalendarEventEntity>,
    @InjectRepository(CalendarExceptionEntity) private readonly exceptions: Repository<CalendarExceptionEntity>,
    @InjectRepository(CalendarRsvpEntity) private readonly rsvps: Repository<CalendarRsvpEntity>,
    private readonly rooms: RoomsService,
    private readonly users: UsersService,
    private readonly reminders: CalendarReminders,
  ) {}

  /** One room's calendar over a range, for a member (others get the room's 404). */
  async roomRange(userId: string, roomId: string, fromText: string, toText: string): Promise<CalendarRange> {
    const range = checkedRange(fromText, toText);
    await this.rooms.requireMembership(roomId, userId);
    return this.range(userId, [roomId], range.from, range.to);
  }

  /** The calendar of every room the user is in, over a range. */
  async myRange(userId: string, fromText: string, toText: string): Promise<CalendarRange> {
    const range = checkedRange(fromText, toText);
    return this.range(userId, await this.rooms.roomIdsForUser(userId), range.from, range.to);
  }

  /** Events of these rooms whose occurrences may reach past `since` (a feed's content), newest rooms' order aside. */
  async eventsOfRooms(roomIds: string[], since: Date): Promise<LoadedEvent[]> {
    return this.load(roomIds, since, null);
  }

  /** One event with its exceptions (the caller checked access). */
  async loaded(row: CalendarEventEntity): Promise<LoadedEvent> {
    const [loaded] = await this.withDetails([row]);
    return loaded!;
  }

  private async range(userId: string, roomIds: string[], from: Date, to: Date): Promise<CalendarRange> {
    const loaded = await this.load(roomIds, from, to);
    const found = loaded.flatMap((e) => expand(scheduleOf(e.row).source, e.exceptions, from, to).map((o) => ({ event: e, o })));
    const answers = await this.answersFor(loaded.map((e) => e.row.id));
    const names = await this.users.displayNames([...new Set(answers.map((a) => a.userId))]);
    const byOccurrence = new Map<string, CalendarRsvpEntity[]>();
    for (const a of answers) {
      const key = `${a.eventId}|${a.occurrence}`;
      byOccurrence.set(key, [...(byOccurrence.get(key) ?? []), a]);
    }
    const occurrences: CalendarOccurrence[] = found
      .sort((a, b) => a.o.start.getTime() - b.o.start.getTime() || a.event.row.id.localeCompare(b.event.row.id))
      .map(({ event, o }) => ({
        eventId: event.row.id,
        roomId: event.row.roomId,
        occurrence: o.key,
        start: o.start.toISOString(),
        end: o.end.toISOString(),
        localStart: o.localStart,
        localEnd: o.localEnd,
        moved: o.moved,
        cancelled: event.row.cancelled || o.cancelled,
        rsvp: summary(byOccurrence.get(`${event.row.id}|${o.key}`) ?? [], names, userId),
      }));
    const shown = new Set(occurrences.map((o) => o.eventId));
    const events = loaded.filter((e) => shown.has(e.row.id)).map((e) => e.view);
    const reminders = await this.reminders.choicesFor(userId, events.map((e) => e.id));
    return { from: from.toISOString(), to: to.toISOString(), events, occurrences, reminders };
  }

  /** Events of these rooms that may have occurrences in [from, to) (to null: from `from` on). */
  private async load(roomIds: string[], from: Date, to: Date | null): Promise<LoadedEvent[]> {
    const rows: CalendarEventEntity[] = [];
    for (let i = 0; i < roomIds.length && rows.length < CALENDAR_EVENTS_READ_MAX; i += CHUNK) {
      const q = this.events
        .createQueryBuilder('e')
        .where('e.roomId IN (:...ids)', { ids: roomIds.slice(i, i + CHUNK) })
        .andWhere(new Brackets((b) => b.where('e.lastEnd IS NULL').orWhere('e.lastEnd > :from', { from })))
        .orderBy('e.firstStart', 'ASC')
        .addOrderBy('e.id', 'ASC')
        .take(CALENDAR_EVENTS_READ_MAX - rows.length);
      if (to) q.andWhere('e.firstStart < :to', { to });
      rows.push(...(await q.getMany()));
    }
    return this.withDetails(rows);
  }

  private async withDetails(rows: CalendarEventEntity[]): Promise<LoadedEvent[]> {
    const exceptions: CalendarExceptionEntity[] = [];
    for (let i = 0; i < rows.length; i += CHUNK) exceptions.push(...(await this.exceptions.findBy({ eventId: In(rows.slice(i, i + CHUNK).map((r) => r.id)) })));
    const names = await this.users.displayNames([...new Set(rows.map((r) => r.createdBy))]);
    const byEvent = new Map<string, CalendarExceptionEntity[]>();
    for (const e of exceptions) byEvent.set(e.eventId, [...(byEvent.get(e.eventId) ?? []), e]);
    return rows.map((row) => {
      const own = byEvent.get(row.id) ?? [];
      return { row, exceptions: own, view: toCalendarEvent(row, own, names.get(row.createdBy) ?? '') };
    });
  }

  private async answersFor(eventIds: string[]): Promise<CalendarRsvpEntity[]> {
    const out: CalendarRsvpEntity[] = [];
    for (let i = 0; i < eventIds.length; i += CHUNK) out.push(...(await this.rsvps.findBy({ eventId: In(eventIds.slice(i, i + CHUNK)) })));
    return out;
  }
}

function summary(answers: CalendarRsvpEntity[], names: Map<string, string>, viewerId: string): RsvpSummary {
  const people: RsvpPerson[] = answers
    .map((a) => ({ userId: a.userId, name: names.get(a.userId) ?? '', status: a.status as RsvpStatus }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
  const count = (s: RsvpStatus) => people.filter((p) => p.status === s).length;
  return { going: count('going'), maybe: count('maybe'), declined: count('declined'), people, mine: (people.find((p) => p.userId === viewerId)?.status ?? null) as RsvpStatus | null };
}
