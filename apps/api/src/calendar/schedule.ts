import { CALENDAR_DATE_PATTERN, CALENDAR_EVENT_MAX_DAYS, CALENDAR_LOCAL_TIME_PATTERN } from '@parley/contracts';
import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import { errors } from '../common/errors';
import type { CalendarEventEntity } from './calendar.entities';
import { Occurrence, occurrences, RECURRENCE_COUNT_MAX, RecurrenceSource, ruleProblem, validTimeZone } from './recurrence';

/** When an event happens, as asked: local start and end in a zone, all day or not, and a rule. */
export interface ScheduleInput {
  allDay: boolean;
  start: string;
  end: string;
  timeZone: string;
  rrule: string | null;
}

/** A checked schedule: the canonical zone and rule, what expansion needs, and the instants it spans. */
export interface Schedule extends ScheduleInput {
  source: RecurrenceSource;
  firstStart: Date;
  /** The end of the last occurrence, or an upper bound of it; null when the rule never ends. */
  lastEnd: Date | null;
}

/** An exception as stored: one occurrence cancelled or moved (local start and end in the event's zone). */
export interface ExceptionRow {
  occurrence: string;
  cancelled: boolean;
  startLocal: string | null;
  endLocal: string | null;
}

/** One occurrence as it happens, exceptions applied. */
export interface ExpandedOccurrence {
  key: string;
  start: Date;
  end: Date;
  localStart: string;
  localEnd: string;
  moved: boolean;
  cancelled: boolean;
}

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;
const MAX_MINUTES = CALENDAR_EVENT_MAX_DAYS * 1440;

/** The canonical IANA name of `zone`, or a 400 naming `field`. Offsets such as `+01:00` are refused: they have no DST rules. */
export function checkedZone(zone: string, field = 'timeZone'): string {
  const canonical = ZONE_NAME.test(zone) ? validTimeZone(zone) : null;
  if (!canonical) throw errors.validation(field, `${field} must be an IANA time zone such as Europe/Berlin`);
  return canonical;
}

/** The rule in canonical form (upper case, without an `RRULE:` prefix), or a 400 saying why it is refused. */
export function checkedRule(rrule: string, dtstart: Temporal.ZonedDateTime): string {
  const value = rrule.trim().replace(/^RRULE:/i, '').toUpperCase();
  const problem = ruleProblem(value);
  if (problem) throw errors.validation('rrule', problem);
  try {
    // The library's own checks too (an UNTIL it cannot read, a rule that cannot start where the event does).
    new RRuleTemporal({ rruleString: value, dtstart }).between(new Date(dtstart.epochMilliseconds), new Date(dtstart.epochMilliseconds + 1), true);
  } catch (err) {
    throw errors.validation('rrule', `rrule cannot be used: ${err instanceof Error ? err.message : String(err)}`);
  }
  return value;
}

function plainOf(value: string, allDay: boolean, field: string): Temporal.PlainDateTime {
  const pattern = allDay ? CALENDAR_DATE_PATTERN : CALENDAR_LOCAL_TIME_PATTERN;
  const shape = allDay ? 'a date such as 2026-10-12 (all-day event)' : 'a local date-time such as 2026-10-12T09:00';
  if (!pattern.test(value)) throw errors.validation(field, `${field} must be ${shape}`);
  try {
    const plain = allDay ? Temporal.PlainDate.from(value, { overflow: 'reject' }).toPlainDateTime() : Temporal.PlainDateTime.from(value, { overflow: 'reject' });
    if (plain.year < 1900 || plain.year > 2200) throw new RangeError('out of range');
    return plain;
  } catch {
    throw errors.validation(field, `${field} is not a real ${allDay ? 'date' : 'date and time'} between the years 1900 and 2200`);
  }
}

/** A local start and end in `zone` as instants; a 400 when the end is not after the start or it lasts too long. */
export function instantsOf(allDay: boolean, start: string, end: string, zone: string, fields = { start: 'start', end: 'end' }): { start: Temporal.ZonedDateTime; end: Temporal.ZonedDateTime; minutes: number } {
  // A wall time a DST change skips moves forward; one it repeats is its first (RFC 5545).
  const from = plainOf(start, allDay, fields.start).toZonedDateTime(zone, { disambiguation: 'compatible' });
  const to = plainOf(end, allDay, fields.end).toZonedDateTime(zone, { disambiguation: 'compatible' });
  if (Temporal.ZonedDateTime.compare(to, from) <= 0) throw errors.validation(fields.end, `${fields.end} must be after ${fields.start}`);
  const minutes = allDay ? Temporal.PlainDate.from(start).until(Temporal.PlainDate.from(end)).days * 1440 : Math.round((to.epochMilliseconds - from.epochMilliseconds) / 60_000);
  if (minutes > MAX_MINUTES) throw errors.validation(fields.end, `An occurrence may last at most ${CALENDAR_EVENT_MAX_DAYS} days`);
  return { start: from, end: to, minutes };
}

/** Checks a schedule (a 400 naming the field at the first problem) and works out what storing it needs. */
export function checkedSchedule(input: ScheduleInput): Schedule {
  const timeZone = checkedZone(input.timeZone);
  const { start, minutes } = instantsOf(input.allDay, input.start, input.end, timeZone);
  const rrule = input.rrule === null || input.rrule.trim() === '' ? null : checkedRule(input.rrule, start);
  const source: RecurrenceSource = { start: input.start, durationMinutes: minutes, timeZone, rrule };
  const firstStart = new Date(start.epochMilliseconds);
  return { ...input, timeZone, rrule, source, firstStart, lastEnd: lastEndOf(source, firstStart, minutes) };
}

/** When the last occurrence ends (an upper bound for an UNTIL rule), or null for a rule without end. */
function lastEndOf(source: RecurrenceSource, firstStart: Date, minutes: number): Date | null {
  const span = (minutes + 1440) * 60_000;
  if (!source.rrule) return new Date(firstStart.getTime() + span);
  const until = /(?:^|;)UNTIL=(\d{4})(\d{2})(\d{2})/.exec(source.rrule);
  // UNTIL (a date, or a UTC time on that date): nothing starts later than the end of that day anywhere on earth.
  if (until) return new Date(Date.UTC(+until[1]!, +until[2]! - 1, +until[3]! + 2) + span);
  if (!/(?:^|;)COUNT=/.test(source.rrule)) return null;
  const all = occurrences(source, firstStart, new Date(8.64e15));
  const last = all[all.length - 1];
  return last ? new Date(last.end.getTime() + 60_000) : new Date(firstStart.getTime() + span);
}

/** The occurrence whose original local start is `key`, if the rule has one there. */
export function findOccurrence(source: RecurrenceSource, key: string): Occurrence | null {
  const allDay = CALENDAR_DATE_PATTERN.test(source.start);
  if (!(allDay ? CALENDAR_DATE_PATTERN : CALENDAR_LOCAL_TIME_PATTERN).test(key)) return null;
  let at: Temporal.ZonedDateTime;
  try {
    at = (allDay ? Temporal.PlainDate.from(key).toPlainDateTime() : Temporal.PlainDateTime.from(key)).toZonedDateTime(source.timeZone, { disambiguation: 'compatible' });
  } catch {
    return null;
  }
  const from = new Date(at.epochMilliseconds);
  return occurrences(source, from, new Date(from.getTime() + 60_000)).find((o) => o.key === key) ?? null;
}

const localOf = (at: Date, zone: string, allDay: boolean): string => {
  const zoned = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(zone);
  return allDay ? zoned.toPlainDate().toString() : zoned.toPlainDateTime().toString({ smallestUnit: 'minute' });
};

/**
 * The occurrences that overlap [from, to), exceptions applied: a cancelled one stays in the list (marked), a
 * moved one appears where it moved to (and is found there even when its original time is outside the range).
 */
export function expand(source: RecurrenceSource, exceptions: ExceptionRow[], from: Date, to: Date): ExpandedOccurrence[] {
  const allDay = CALENDAR_DATE_PATTERN.test(source.start);
  const byKey = new Map(exceptions.map((e) => [e.occurrence, e]));
  const out: ExpandedOccurrence[] = [];
  const lookBack = new Date(from.getTime() - source.durationMinutes * 60_000);
  for (const o of occurrences(source, lookBack, to)) {
    const exception = byKey.get(o.key);
    if (exception?.startLocal) continue;
    if (o.end <= from) continue;
    out.push({ key: o.key, start: o.start, end: o.end, localStart: o.key, localEnd: localOf(o.end, source.timeZone, allDay), moved: false, cancelled: exception?.cancelled ?? false });
  }
  for (const e of exceptions) {
    if (!e.startLocal || !e.endLocal || !findOccurrence(source, e.occurrence)) continue;
    const moved = instantsOf(allDay, e.startLocal, e.endLocal, source.timeZone);
    const start = new Date(moved.start.epochMilliseconds);
    const end = new Date(moved.end.epochMilliseconds);
    if (start < to && end > from) out.push({ key: e.occurrence, start, end, localStart: e.startLocal, localEnd: e.endLocal, moved: true, cancelled: e.cancelled });
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || a.key.localeCompare(b.key)).slice(0, RECURRENCE_COUNT_MAX);
}

/** The schedule of a stored event (stored events were checked when written). */
export function scheduleOf(row: Pick<CalendarEventEntity, 'allDay' | 'startLocal' | 'endLocal' | 'timeZone' | 'rrule'>): Schedule {
  return checkedSchedule({ allDay: row.allDay, start: row.startLocal, end: row.endLocal, timeZone: row.timeZone, rrule: row.rrule });
}
