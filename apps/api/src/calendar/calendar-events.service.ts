import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CALENDAR_EXCEPTIONS_MAX, CalendarEvent, CalendarException, ChangeOccurrenceRequest, EncryptedContent, RoomEventType, RsvpStatus } from '@parley/contracts';
import { Repository } from 'typeorm';
import { errors } from '../common/errors';
import { AppEvents } from '../events/app-events';
import { roomArchived } from '../rooms/room-errors';
import { Membership, RoomsService } from '../rooms/rooms.service';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { CalendarReminders } from './calendar-reminders';
import { CalendarEventEntity, CalendarExceptionEntity, CalendarRsvpEntity } from './calendar.entities';
import { storedCiphertext, toCalendarEvent, toCalendarException } from './calendar.mapper';
import { checkedSchedule, ExceptionRow, findOccurrence, instantsOf, Schedule, scheduleOf, ScheduleInput } from './schedule';

/** An event's text as asked: words in a plain room, a ciphertext in an end-to-end encrypted one. */
export interface EventText {
  title?: string;
  description?: string;
  location?: string;
  encrypted?: EncryptedContent;
}

export type NewEvent = EventText & Partial<ScheduleInput> & Pick<ScheduleInput, 'start' | 'end' | 'timeZone'>;
export type EventChanges = EventText & Partial<ScheduleInput>;

export const eventNotFound = () => errors.notFound('Event');

/** An event's text as stored: words, or the ciphertext's JSON. */
export interface CheckedText {
  title?: string;
  description?: string;
  location?: string;
  encrypted?: string;
}


/**
 * Writes to the room calendar: events, single-occurrence exceptions and RSVPs. Members of the room only (others
 * get the room's 404); the creator and the room's owner and admins edit and cancel. Each change raises its
 * domain event once committed; the delivery layer tells the room's members.
 */
@Injectable()
export class CalendarEventsService {
  constructor(
    @InjectRepository(CalendarEventEntity) private readonly events: Repository<CalendarEventEntity>,
    @InjectRepository(CalendarExceptionEntity) private readonly exceptions: Repository<CalendarExceptionEntity>,
    @InjectRepository(CalendarRsvpEntity) private readonly rsvps: Repository<CalendarRsvpEntity>,
    private readonly rooms: RoomsService,
    private readonly users: UsersService,
    private readonly bus: AppEvents,
    private readonly reminders: CalendarReminders,
  ) {}

  /** The event in this room, seen by a member (404 for a non-member, or an event of another room). */
  async find(user: UserEntity, roomId: string, eventId: string): Promise<{ membership: Membership; event: CalendarEventEntity }> {
    const membership = await this.rooms.requireMembership(roomId, user.id);
    const event = await this.events.findOneBy({ id: eventId, roomId });
    if (!event) throw eventNotFound();
    return { membership, event };
  }

  async get(user: UserEntity, roomId: string, eventId: string): Promise<CalendarEvent> {
    const { event } = await this.find(user, roomId, eventId);
    return this.view(event);
  }

  async create(user: UserEntity, roomId: string, input: NewEvent): Promise<CalendarEvent> {
    const membership = await this.writableRoom(user, roomId);
    const schedule = checkedSchedule({ allDay: input.allDay ?? false, start: input.start, end: input.end, timeZone: input.timeZone, rrule: input.rrule ?? null });
    const text = checkedText(membership.room.encrypted, input, true);
    const event = await this.insert(user, roomId, text, schedule, []);
    // The room's timeline gets the event's card (its title too, except in an encrypted room).
    await this.bus.emit('room.changed', {
      roomId,
      event: { type: RoomEventType.EventScheduled, actor: { id: user.id, name: user.displayName }, name: event.title, calendarEventId: event.id },
    });
    return event;
  }

  /** The room, if the user may add events to it: a member, and the room not archived (else 404 or 409). */
  async writableRoom(user: UserEntity, roomId: string): Promise<Membership> {
    const membership = await this.rooms.requireMembership(roomId, user.id);
    if (membership.room.archivedAt) throw roomArchived();
    return membership;
  }

  /**
   * Stores a checked event with its exceptions (an import brings some) and raises `calendar.event-created`.
   * `text` was checked for the room by `checkedText`.
   */
  async insert(user: UserEntity, roomId: string, text: CheckedText, schedule: Schedule, exceptions: ExceptionRow[]): Promise<CalendarEvent> {
    const now = new Date();
    const row = this.events.create({
      roomId,
      createdBy: user.id,
      title: text.title ?? '',
      description: text.description ?? '',
      location: text.location ?? '',
      encrypted: text.encrypted ?? null,
      ...stored(schedule),
      firstStart: schedule.firstStart,
      lastEnd: schedule.lastEnd,
      cancelled: false,
      createdAt: now,
      updatedAt: now,
    });
    if (exceptions.length) this.rebound(row, schedule, exceptions);
    const saved = await this.events.save(row);
    const kept = exceptions.map((e) => this.exceptions.create({ eventId: saved.id, occurrence: e.occurrence, cancelled: e.cancelled, startLocal: e.startLocal, endLocal: e.endLocal, updatedAt: now }));
    if (kept.length) await this.exceptions.save(kept);
    const event = toCalendarEvent(saved, kept, user.displayName);
    await this.bus.emit('calendar.event-created', { event });
    return event;
  }

  async update(user: UserEntity, roomId: string, eventId: string, changes: EventChanges): Promise<CalendarEvent> {
    const { membership, event } = await this.editable(user, roomId, eventId);
    const text = checkedText(membership.room.encrypted, changes, false);
    const current = scheduleOf(event);
    const scheduleChanged = ['allDay', 'start', 'end', 'timeZone', 'rrule'].some((k) => changes[k as keyof EventChanges] !== undefined);
    const schedule = scheduleChanged
      ? checkedSchedule({
          allDay: changes.allDay ?? current.allDay,
          start: changes.start ?? current.start,
          end: changes.end ?? current.end,
          timeZone: changes.timeZone ?? current.timeZone,
          rrule: changes.rrule === undefined ? current.rrule : changes.rrule,
        })
      : current;
    if (text.title !== undefined) event.title = text.title;
    if (text.description !== undefined) event.description = text.description;
    if (text.location !== undefined) event.location = text.location;
    if (text.encrypted !== undefined) event.encrypted = text.encrypted;
    Object.assign(event, stored(schedule));
    // Exceptions and answers stay keyed by their occurrence's original start: those the new schedule no longer
    // has are not shown (and come back if it has them again).
    this.rebound(event, schedule, await this.exceptions.findBy({ eventId }));
    event.updatedAt = new Date();
    await this.events.save(event);
    const view = await this.view(event);
    await this.bus.emit('calendar.event-updated', { event: view });
    return view;
  }

  async cancel(user: UserEntity, roomId: string, eventId: string): Promise<CalendarEvent> {
    const { event } = await this.editable(user, roomId, eventId);
    event.cancelled = true;
    event.updatedAt = new Date();
    await this.events.save(event);
    const view = await this.view(event);
    await this.bus.emit('calendar.event-cancelled', { event: view });
    await this.reminders.cancelled(event, user.id, null);
    return view;
  }

  /** Moves one occurrence (new local start and end) or cancels it, or brings a cancelled one back. */
  async changeOccurrence(user: UserEntity, roomId: string, eventId: string, key: string, change: ChangeOccurrenceRequest): Promise<CalendarException> {
    const { event } = await this.editable(user, roomId, eventId);
    if ((change.start === undefined) !== (change.end === undefined)) throw errors.validation(change.start === undefined ? 'start' : 'end', 'Give both start and end to move an occurrence');
    if (change.start === undefined && change.cancelled === undefined) throw errors.validation('cancelled', 'Say what changes: cancelled, or start and end');
    const schedule = scheduleOf(event);
    if (!findOccurrence(schedule.source, key)) throw errors.notFound('Occurrence', `The event has no occurrence starting at ${key}`);
    if (change.start !== undefined) instantsOf(schedule.allDay, change.start, change.end!, schedule.timeZone);
    const existing = await this.exceptions.findBy({ eventId });
    const before = existing.find((e) => e.occurrence === key);
    if (!before && existing.length >= CALENDAR_EXCEPTIONS_MAX) throw errors.conflict(`An event may have at most ${CALENDAR_EXCEPTIONS_MAX} moved or cancelled occurrences`);
    const row = this.exceptions.create({
      eventId,
      occurrence: key,
      cancelled: change.cancelled ?? before?.cancelled ?? false,
      startLocal: change.start ?? before?.startLocal ?? null,
      endLocal: change.end ?? before?.endLocal ?? null,
      updatedAt: new Date(),
    });
    await this.exceptions.upsert(row, ['eventId', 'occurrence']);
    await this.touch(event, schedule, [...existing.filter((e) => e.occurrence !== key), row]);
    const exception = toCalendarException(row);
    await this.bus.emit('calendar.occurrence-changed', { roomId, eventId, occurrence: key, exception });
    if (row.cancelled && !before?.cancelled) await this.reminders.cancelled(event, user.id, key);
    return exception;
  }

  /** Puts one occurrence back as the rule says (not moved, not cancelled). */
  async restoreOccurrence(user: UserEntity, roomId: string, eventId: string, key: string): Promise<void> {
    const { event } = await this.editable(user, roomId, eventId);
    const result = await this.exceptions.delete({ eventId, occurrence: key });
    if (!result.affected) return;
    await this.touch(event, scheduleOf(event), await this.exceptions.findBy({ eventId }));
    await this.bus.emit('calendar.occurrence-changed', { roomId, eventId, occurrence: key, exception: null });
  }

  /** The caller's answer for one occurrence (null removes it). */
  async setRsvp(user: UserEntity, roomId: string, eventId: string, key: string, status: RsvpStatus | null): Promise<void> {
    const { membership, event } = await this.find(user, roomId, eventId);
    if (membership.room.archivedAt) throw roomArchived();
    if (status === null) {
      const result = await this.rsvps.delete({ eventId, occurrence: key, userId: user.id });
      if (result.affected) await this.bus.emit('calendar.rsvp-changed', { roomId, eventId, occurrence: key, userId: user.id, name: user.displayName, status: null });
      return;
    }
    if (event.cancelled) throw errors.conflict('This event is cancelled');
    if (!findOccurrence(scheduleOf(event).source, key)) throw errors.notFound('Occurrence', `The event has no occurrence starting at ${key}`);
    const exception = await this.exceptions.findOneBy({ eventId, occurrence: key });
    if (exception?.cancelled) throw errors.conflict('This occurrence is cancelled');
    await this.rsvps.upsert({ eventId, occurrence: key, userId: user.id, status, updatedAt: new Date() }, ['eventId', 'occurrence', 'userId']);
    await this.bus.emit('calendar.rsvp-changed', { roomId, eventId, occurrence: key, userId: user.id, name: user.displayName, status });
  }

  /** The event, if the caller may change it: its creator, or the room's owner and admins. */
  private async editable(user: UserEntity, roomId: string, eventId: string): Promise<{ membership: Membership; event: CalendarEventEntity }> {
    const found = await this.find(user, roomId, eventId);
    if (found.membership.room.archivedAt) throw roomArchived();
    if (found.event.createdBy !== user.id && !this.rooms.isRoomAdmin(found.membership.room, found.membership.member, user)) {
      throw errors.forbidden("Only the event's creator or the room's owner or admins can change it");
    }
    if (found.event.cancelled) throw errors.conflict('This event is cancelled');
    return found;
  }

  /** Widens the event's span to take in moved occurrences (a range query must find them where they moved). */
  private rebound(event: CalendarEventEntity, schedule: Schedule, exceptions: ExceptionRow[]): void {
    let first = schedule.firstStart;
    let last = schedule.lastEnd;
    for (const e of exceptions) {
      if (!e.startLocal || !e.endLocal) continue;
      const moved = instantsOf(schedule.allDay, e.startLocal, e.endLocal, schedule.timeZone);
      const start = new Date(moved.start.epochMilliseconds);
      const end = new Date(moved.end.epochMilliseconds);
      if (start < first) first = start;
      if (last && end > last) last = end;
    }
    event.firstStart = first;
    event.lastEnd = last;
  }

  private async touch(event: CalendarEventEntity, schedule: Schedule, exceptions: ExceptionRow[]): Promise<void> {
    this.rebound(event, schedule, exceptions);
    await this.events.update({ id: event.id }, { firstStart: event.firstStart, lastEnd: event.lastEnd, updatedAt: new Date() });
  }

  private async view(event: CalendarEventEntity): Promise<CalendarEvent> {
    const [exceptions, names] = await Promise.all([this.exceptions.findBy({ eventId: event.id }), this.users.displayNames([event.createdBy])]);
    return toCalendarEvent(event, exceptions, names.get(event.createdBy) ?? '');
  }
}

function stored(s: Schedule): Pick<CalendarEventEntity, 'allDay' | 'startLocal' | 'endLocal' | 'timeZone' | 'rrule'> {
  return { allDay: s.allDay, startLocal: s.start, endLocal: s.end, timeZone: s.timeZone, rrule: s.rrule };
}

/**
 * The text to store. In an end-to-end encrypted room the words travel only in `encrypted` (made on the device),
 * and any plaintext is refused, so none ever enters that room's storage; elsewhere `encrypted` is refused.
 */
export function checkedText(roomEncrypted: boolean, input: EventText, creating: boolean): CheckedText {
  const fields = ['title', 'description', 'location'] as const;
  if (roomEncrypted) {
    for (const f of fields) {
      if (input[f]) throw errors.validation(f, `This room is end-to-end encrypted: ${f} must be empty (the text travels in \`encrypted\`)`);
    }
    if (creating && !input.encrypted) throw errors.validation('encrypted', 'This room is end-to-end encrypted: send the event\u2019s text encrypted on your device (`encrypted`)');
    return input.encrypted ? { encrypted: storedCiphertext(input.encrypted) } : {};
  }
  if (input.encrypted) throw errors.validation('encrypted', 'This room is not end-to-end encrypted: send the title as it is');
  const title = input.title?.trim();
  if ((creating || title !== undefined) && !title) throw errors.validation('title', 'title must not be empty');
  return { title, description: input.description, location: input.location?.trim() };
}
