import ical, { ICalCalendar, ICalEventStatus } from 'ical-generator';
import { Temporal } from 'temporal-polyfill';
import type { LoadedEvent } from './calendar-reader';
import { findOccurrence, scheduleOf } from './schedule';

/** How far around the events a VTIMEZONE lists its zone's changes. */
const ZONE_YEARS_BEFORE = 1;
const ZONE_YEARS_AFTER = 10;

/** An iCalendar UTC offset (`+0100`, or `+053000` with seconds) from Temporal's (`+01:00`, `+05:30:00`). */
const icalOffset = (offset: string) => offset.replace(/:/g, '');

/** A local date-time in iCalendar's basic form (`20261025T030000`). */
const icalLocal = (at: Temporal.PlainDateTime) => at.toString({ smallestUnit: 'second' }).replace(/[-:]/g, '');

/**
 * A VTIMEZONE for an IANA zone, from the runtime's own time zone data (Temporal): one observance per change of
 * offset between `from` and `to` (each DTSTART in the offset in force before it, as RFC 5545 says), or a single
 * one for a zone without changes. Clients that know the zone by name use their own rules; the rest use these.
 */
export function vtimezone(zone: string, from: Temporal.Instant, to: Temporal.Instant): string {
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  let at = from.toZonedDateTimeISO(zone);
  const changes: Temporal.ZonedDateTime[] = [];
  for (;;) {
    const next = at.getTimeZoneTransition('next');
    if (!next || Temporal.Instant.compare(next.toInstant(), to) > 0 || changes.length >= 400) break;
    changes.push(next);
    at = next;
  }
  if (!changes.length) {
    const offset = icalOffset(at.offset);
    lines.push('BEGIN:STANDARD', 'DTSTART:19700101T000000', `TZOFFSETFROM:${offset}`, `TZOFFSETTO:${offset}`, 'END:STANDARD');
  }
  for (const change of changes) {
    const before = change.subtract({ nanoseconds: 1 });
    const kind = change.offsetNanoseconds > before.offsetNanoseconds ? 'DAYLIGHT' : 'STANDARD';
    // The wall time at which the change happens, read on the clock before it.
    const local = change.toInstant().toZonedDateTimeISO(before.offset).toPlainDateTime();
    lines.push(`BEGIN:${kind}`, `DTSTART:${icalLocal(local)}`, `TZOFFSETFROM:${icalOffset(before.offset)}`, `TZOFFSETTO:${icalOffset(change.offset)}`, `END:${kind}`);
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}

export interface IcsOptions {
  name: string;
  /** Instead of the event's text, which the server cannot read (end-to-end encrypted rooms in a feed). */
  encryptedTitle?: string;
  /** A room's name per room id, shown in the description of feed entries. */
  roomNames?: Map<string, string>;
}

const zdt = (local: string, allDay: boolean, zone: string): Temporal.ZonedDateTime =>
  (allDay ? Temporal.PlainDate.from(local).toPlainDateTime() : Temporal.PlainDateTime.from(local)).toZonedDateTime(zone, { disambiguation: 'compatible' });

/**
 * An iCalendar document of these events: each with its RRULE, its cancelled occurrences as EXDATE and its moved
 * ones as overrides (RECURRENCE-ID), times in the event's zone with a VTIMEZONE for each zone.
 */
export function toIcs(events: LoadedEvent[], opts: IcsOptions): string {
  const calendar: ICalCalendar = ical({ name: opts.name, prodId: { company: 'Parley', product: 'Calendar', language: 'EN' } });
  let earliest = Temporal.Now.instant();
  for (const e of events) {
    const first = Temporal.Instant.fromEpochMilliseconds(e.row.firstStart.getTime());
    if (Temporal.Instant.compare(first, earliest) < 0) earliest = first;
  }
  const zoneFrom = earliest.subtract({ hours: 24 * 366 * ZONE_YEARS_BEFORE });
  const zoneTo = Temporal.Now.instant().add({ hours: 24 * 366 * ZONE_YEARS_AFTER });
  calendar.timezone({ name: null, generator: (zone) => vtimezone(zone, zoneFrom, zoneTo) });

  for (const { row, exceptions } of events) {
    const schedule = scheduleOf(row);
    const zone = schedule.timeZone;
    const text = row.encrypted
      ? { summary: opts.encryptedTitle ?? 'Encrypted event', description: null, location: null }
      : { summary: row.title, description: row.description || null, location: row.location || null };
    const roomName = opts.roomNames?.get(row.roomId);
    const description = [text.description, roomName ? `Room: ${roomName}` : null].filter(Boolean).join('\n\n') || null;
    const real = exceptions.filter((x) => findOccurrence(schedule.source, x.occurrence));
    const base = {
      id: `${row.id}@parley`,
      summary: text.summary,
      description,
      location: text.location,
      timezone: row.allDay ? null : zone,
      allDay: row.allDay,
      created: row.createdAt,
      lastModified: row.updatedAt,
      stamp: row.updatedAt,
    };
    // A single event whose one occurrence was moved is simply at its new time.
    const movedSingle = row.rrule ? undefined : real.find((x) => x.startLocal && x.endLocal);
    const start = zdt(movedSingle?.startLocal ?? row.startLocal, row.allDay, zone);
    const end = zdt(movedSingle?.endLocal ?? row.endLocal, row.allDay, zone);
    const cancelledKeys = real.filter((x) => x.cancelled).map((x) => x.occurrence);
    let repeating: string | null = null;
    if (row.rrule) {
      repeating = `RRULE:${row.rrule}`;
      if (cancelledKeys.length) {
        repeating += row.allDay
          ? `\nEXDATE;VALUE=DATE:${cancelledKeys.map((k) => k.replace(/-/g, '')).join(',')}`
          : `\nEXDATE;TZID=${zone}:${cancelledKeys.map((k) => icalLocal(Temporal.PlainDateTime.from(k))).join(',')}`;
      }
    }
    calendar.createEvent({
      ...base,
      start: row.allDay ? start.toPlainDate() : start,
      end: row.allDay ? end.toPlainDate() : end,
      repeating,
      status: row.cancelled || (!row.rrule && cancelledKeys.length > 0) ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
    if (!row.rrule) continue;
    for (const x of real) {
      if (!x.startLocal || !x.endLocal || x.cancelled) continue;
      const original = zdt(x.occurrence, row.allDay, zone);
      const movedStart = zdt(x.startLocal, row.allDay, zone);
      const movedEnd = zdt(x.endLocal, row.allDay, zone);
      calendar.createEvent({
        ...base,
        start: row.allDay ? movedStart.toPlainDate() : movedStart,
        end: row.allDay ? movedEnd.toPlainDate() : movedEnd,
        recurrenceId: row.allDay ? original.toPlainDate() : original,
        status: row.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      });
    }
  }
  // Every content line ends in CRLF, the last one (END:VCALENDAR) too (RFC 5545 3.1); ical-generator leaves it off.
  const text = calendar.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}
