import { Injectable } from '@nestjs/common';
import {
  CALENDAR_DESCRIPTION_MAX_LENGTH,
  CALENDAR_IMPORT_MAX_EVENTS,
  CALENDAR_LOCATION_MAX_LENGTH,
  CALENDAR_TITLE_MAX_LENGTH,
  CalendarEvent,
  CalendarImportResult,
} from '@parley/contracts';
import ICAL from 'ical.js';
import { Temporal } from 'temporal-polyfill';
import { ApiException } from '../common/api-exceptions';
import { errors } from '../common/errors';
import { UserEntity } from '../users/user.entity';
import { CalendarEventsService, checkedText } from './calendar-events.service';
import { validTimeZone } from './recurrence';
import { checkedSchedule, checkedZone, ExceptionRow, findOccurrence, Schedule } from './schedule';

type IcalComponent = InstanceType<typeof ICAL.Component>;
type IcalTime = InstanceType<typeof ICAL.Time>;
type IcalTimezone = InstanceType<typeof ICAL.Timezone>;

/** An event read from a file, ready to store. */
interface ImportedEvent {
  title: string;
  description: string;
  location: string;
  schedule: Schedule;
  exceptions: ExceptionRow[];
}

/** Why one component was left out: the message a person reads next to its title. */
class Skip extends Error {}

// Control characters, and the bidi overrides that can disguise text (as refused in typed titles).
// eslint-disable-next-line no-control-regex -- these are the characters being removed
const ONE_LINE_UNSAFE = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]+/g;
// eslint-disable-next-line no-control-regex -- the same, keeping tabs and line breaks
const TEXT_UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]+/g;
const oneLine = (value: string, max: number) => value.replace(ONE_LINE_UNSAFE, ' ').replace(/\s+/g, ' ').trim().slice(0, max);

/**
 * Imports an iCalendar file into a room (docs/calendar.md "Import"), parsed with ical.js: each VEVENT becomes an
 * event with its RRULE, EXDATEs become cancelled occurrences and overrides (RECURRENCE-ID) moved or cancelled ones.
 * Times with an IANA TZID keep their zone; UTC times, floating times and zones known only by the file's own
 * VTIMEZONE (Outlook's Windows names) are placed in `timeZone`, the importer's zone. What Parley cannot hold (an
 * RRULE it refuses, a cancelled event) is listed in `skipped` with the reason; the rest is imported.
 */
@Injectable()
export class CalendarImport {
  constructor(private readonly events: CalendarEventsService) {}

  async import(user: UserEntity, roomId: string, body: unknown, zoneText: string | undefined): Promise<CalendarImportResult> {
    const membership = await this.events.writableRoom(user, roomId);
    if (membership.room.encrypted) {
      throw errors.conflict('This room is end-to-end encrypted: the server cannot write events\u2019 text there. Create the events in the app, which encrypts them on your device.');
    }
    if (typeof body !== 'string') throw errors.unsupportedMediaType('Send the .ics file itself as the request body, with Content-Type text/calendar');
    if (!body.trim()) throw errors.validation('body', 'The .ics file is empty');
    const zone = checkedZone(zoneText ?? 'UTC', 'timeZone');
    const { events, skipped } = readCalendar(body, zone);
    const created: CalendarEvent[] = [];
    for (const e of events) {
      const text = checkedText(false, { title: e.title, description: e.description, location: e.location }, true);
      created.push(await this.events.insert(user, roomId, text, e.schedule, e.exceptions));
    }
    return { created, skipped };
  }
}

/** The events of an iCalendar text, and what was left out (exported for the unit tests). */
export function readCalendar(text: string, fallbackZone: string): { events: ImportedEvent[]; skipped: CalendarImportResult['skipped'] } {
  let root: IcalComponent;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch (err) {
    throw errors.validation('body', `This is not an iCalendar file: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (root.name !== 'vcalendar') throw errors.validation('body', 'This is not an iCalendar file: it does not start with BEGIN:VCALENDAR');
  const zones = new Map<string, IcalTimezone>();
  for (const tz of root.getAllSubcomponents('vtimezone')) {
    const id = tz.getFirstPropertyValue('tzid');
    if (typeof id === 'string') zones.set(id, new ICAL.Timezone(tz));
  }
  const all = root.getAllSubcomponents('vevent');
  const overrides = new Map<string, IcalComponent[]>();
  const masters: IcalComponent[] = [];
  for (const v of all) {
    const uid = stringOf(v.getFirstPropertyValue('uid'));
    if (v.hasProperty('recurrence-id') && uid) overrides.set(uid, [...(overrides.get(uid) ?? []), v]);
    else masters.push(v);
  }
  const events: ImportedEvent[] = [];
  const skipped: CalendarImportResult['skipped'] = [];
  for (const v of masters) {
    const uid = stringOf(v.getFirstPropertyValue('uid')) || null;
    const summary = oneLine(stringOf(v.getFirstPropertyValue('summary')), CALENDAR_TITLE_MAX_LENGTH);
    if (events.length >= CALENDAR_IMPORT_MAX_EVENTS) {
      skipped.push({ uid, summary, reason: `An import takes at most ${CALENDAR_IMPORT_MAX_EVENTS} events` });
      continue;
    }
    try {
      events.push(readEvent(v, uid ? (overrides.get(uid) ?? []) : [], zones, fallbackZone));
    } catch (err) {
      if (err instanceof Skip) skipped.push({ uid, summary, reason: err.message });
      else if (err instanceof ApiException) skipped.push({ uid, summary, reason: err.details?.[0]?.message ?? err.message });
      else skipped.push({ uid, summary, reason: `Could not be read: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  if (!masters.length && !skipped.length) throw errors.validation('body', 'The file has no events (VEVENT) to import');
  return { events, skipped };
}

function readEvent(v: IcalComponent, overrides: IcalComponent[], zones: Map<string, IcalTimezone>, fallbackZone: string): ImportedEvent {
  if (stringOf(v.getFirstPropertyValue('status')).toUpperCase() === 'CANCELLED') throw new Skip('The event is cancelled in the file');
  const startProp = v.getFirstProperty('dtstart');
  const start = startProp?.getFirstValue() as IcalTime | undefined;
  if (!startProp || !start) throw new Skip('The event has no start (DTSTART)');
  const allDay = start.isDate;
  const placed = place(start, tzidOf(startProp), zones, fallbackZone);
  const zone = placed.zone;
  const startLocal = placed.local;
  const endLocal = endOf(v, start, placed, zones, zone);
  const rrules = v.getAllProperties('rrule');
  if (rrules.length > 1) throw new Skip('The event repeats by more than one rule');
  if (v.hasProperty('rdate')) throw new Skip('The event has extra dates (RDATE), which Parley does not take');
  const rrule = rrules[0] ? String(rrules[0].getFirstValue()) : null;
  const schedule = checkedSchedule({ allDay, start: startLocal, end: endLocal, timeZone: zone, rrule });
  const byKey = new Map<string, ExceptionRow>();
  if (rrule) {
    for (const prop of v.getAllProperties('exdate')) {
      for (const value of prop.getValues() as IcalTime[]) {
        const key = localIn(value, tzidOf(prop), zones, zone, allDay);
        if (findOccurrence(schedule.source, key)) byKey.set(key, { occurrence: key, cancelled: true, startLocal: null, endLocal: null });
      }
    }
    for (const o of overrides) {
      const idProp = o.getFirstProperty('recurrence-id')!;
      const key = localIn(idProp.getFirstValue() as IcalTime, tzidOf(idProp), zones, zone, allDay);
      const original = findOccurrence(schedule.source, key);
      if (!original) continue;
      if (stringOf(o.getFirstPropertyValue('status')).toUpperCase() === 'CANCELLED') {
        byKey.set(key, { occurrence: key, cancelled: true, startLocal: null, endLocal: null });
        continue;
      }
      const movedStartProp = o.getFirstProperty('dtstart');
      const movedStart = movedStartProp?.getFirstValue() as IcalTime | undefined;
      if (!movedStartProp || !movedStart || movedStart.isDate !== allDay) continue;
      const movedPlaced = { zone, local: localIn(movedStart, tzidOf(movedStartProp), zones, zone, allDay) };
      const movedEnd = endOf(o, movedStart, movedPlaced, zones, zone);
      const originalEnd = Temporal.Instant.fromEpochMilliseconds(original.end.getTime()).toZonedDateTimeISO(zone);
      const unchangedEnd = allDay ? originalEnd.toPlainDate().toString() : originalEnd.toPlainDateTime().toString({ smallestUnit: 'minute' });
      if (movedPlaced.local === key && movedEnd === unchangedEnd) continue; // an override of the text only
      byKey.set(key, { occurrence: key, cancelled: false, startLocal: movedPlaced.local, endLocal: movedEnd });
    }
  }
  return {
    title: oneLine(stringOf(v.getFirstPropertyValue('summary')), CALENDAR_TITLE_MAX_LENGTH) || '(No title)',
    description: stringOf(v.getFirstPropertyValue('description')).replace(TEXT_UNSAFE, ' ').trim().slice(0, CALENDAR_DESCRIPTION_MAX_LENGTH),
    location: oneLine(stringOf(v.getFirstPropertyValue('location')), CALENDAR_LOCATION_MAX_LENGTH),
    schedule,
    exceptions: [...byKey.values()].slice(0, 500),
  };
}

/** The end, local in `zone`: DTEND, else DTSTART + DURATION, else a day (all-day) or an hour after the start. */
function endOf(v: IcalComponent, start: IcalTime, placed: { zone: string; local: string }, zones: Map<string, IcalTimezone>, zone: string): string {
  const endProp = v.getFirstProperty('dtend');
  const end = endProp?.getFirstValue() as IcalTime | undefined;
  if (endProp && end) {
    if (end.isDate !== start.isDate) throw new Skip('The event\u2019s start and end are not both dates or both times');
    return localIn(end, tzidOf(endProp), zones, zone, start.isDate);
  }
  const duration = v.getFirstPropertyValue('duration') as InstanceType<typeof ICAL.Duration> | null;
  if (start.isDate) {
    const days = duration ? Math.max(1, Math.round(duration.toSeconds() / 86_400)) : 1;
    return Temporal.PlainDate.from(placed.local).add({ days }).toString();
  }
  const seconds = duration ? duration.toSeconds() : 3600;
  // Real elapsed time across a DST change, as the duration means.
  const zoned = Temporal.PlainDateTime.from(placed.local).toZonedDateTime(zone, { disambiguation: 'compatible' }).add({ seconds: Math.max(60, seconds) });
  return zoned.toPlainDateTime().toString({ smallestUnit: 'minute' });
}

/** The zone an event is kept in, and its start there. */
function place(t: IcalTime, tzid: string | null, zones: Map<string, IcalTimezone>, fallbackZone: string): { zone: string; local: string } {
  if (t.isDate) return { zone: (tzid && validTimeZone(tzid)) || fallbackZone, local: dateOf(t) };
  const iana = tzid ? validTimeZone(tzid) : null;
  if (iana) return { zone: iana, local: wallOf(t) };
  return { zone: fallbackZone, local: localIn(t, tzid, zones, fallbackZone, false) };
}

/** A time of the file as a local start in `zone` (a date for all-day events). */
function localIn(t: IcalTime, tzid: string | null, zones: Map<string, IcalTimezone>, zone: string, allDay: boolean): string {
  if (allDay || t.isDate) return dateOf(t);
  const wall = wallOf(t);
  const utc = t.zone?.tzid === 'UTC' || t.toString().endsWith('Z');
  const iana = tzid ? validTimeZone(tzid) : null;
  let instant: Temporal.Instant;
  if (utc) instant = Temporal.Instant.fromEpochMilliseconds(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
  else if (iana) instant = Temporal.PlainDateTime.from(wall).toZonedDateTime(iana, { disambiguation: 'compatible' }).toInstant();
  else if (tzid && zones.has(tzid)) instant = Temporal.Instant.fromEpochMilliseconds(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - zones.get(tzid)!.utcOffset(t) * 1000);
  else return wall; // floating (or an unknown zone): the wall time, read in the importer's zone
  return instant.toZonedDateTimeISO(zone).toPlainDateTime().toString({ smallestUnit: 'minute' });
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const dateOf = (t: IcalTime) => `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
const wallOf = (t: IcalTime) => `${dateOf(t)}T${pad(t.hour)}:${pad(t.minute)}`;
const stringOf = (value: unknown) => (typeof value === 'string' ? value : '');
const tzidOf = (prop: { getParameter(name: string): unknown }) => {
  const id = prop.getParameter('tzid');
  return typeof id === 'string' && id ? id.replace(/^\/+/, '') : null;
};
