import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';

/** The most occurrences one rule may have (COUNT), and the most one expansion returns. */
export const RECURRENCE_COUNT_MAX = 1000;
/** The largest INTERVAL a rule may have. */
export const RECURRENCE_INTERVAL_MAX = 999;
const FREQS = new Set(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
const DAYS = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;
const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What a recurring event needs to be expanded: where it starts (local wall time in its zone) and its rule. */
export interface RecurrenceSource {
  /** Local date-time (`2026-10-12T09:00`) in `timeZone`; a date (`2026-10-12`) for an all-day event. */
  start: string;
  /** How long each occurrence lasts, in minutes (all-day events: a multiple of 1,440). */
  durationMinutes: number;
  timeZone: string;
  /** An RFC 5545 RRULE value (`FREQ=WEEKLY;BYDAY=MO`), or null for a single event. */
  rrule: string | null;
}

/** One occurrence: its instants, and its original local start (how exceptions name it). */
export interface Occurrence {
  start: Date;
  end: Date;
  /** The local start in the event's zone, as `2026-10-26T09:00` (a date for all-day events). */
  key: string;
}

/** An IANA time zone the runtime knows, or null. */
export function validTimeZone(zone: string): string | null {
  try {
    return Temporal.ZonedDateTime.from({ year: 2020, month: 1, day: 1, timeZone: zone }).timeZoneId;
  } catch {
    return null;
  }
}

/**
 * Checks an RRULE value against what Parley offers (RFC 5545's DAILY, WEEKLY, MONTHLY and YEARLY with INTERVAL,
 * UNTIL or COUNT, BYDAY, BYMONTHDAY, BYMONTH and BYSETPOS), answering the reason it is refused, or null when it
 * is fine.
 */
export function ruleProblem(rrule: string): string | null {
  if (rrule.length > 300) return 'The recurrence rule is too long';
  const parts = new Map<string, string>();
  for (const part of rrule.split(';')) {
    const [name, value, extra] = part.split('=');
    if (!name || value === undefined || extra !== undefined || parts.has(name.toUpperCase())) return `"${part}" is not a recurrence rule part`;
    parts.set(name.toUpperCase(), value.toUpperCase());
  }
  const freq = parts.get('FREQ');
  if (!freq || !FREQS.has(freq)) return 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY';
  for (const name of parts.keys()) {
    if (!['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'WKST'].includes(name)) return `${name} is not supported`;
  }
  const interval = parts.get('INTERVAL');
  if (interval !== undefined && !(/^\d+$/.test(interval) && +interval >= 1 && +interval <= RECURRENCE_INTERVAL_MAX)) return `INTERVAL must be 1 to ${RECURRENCE_INTERVAL_MAX}`;
  const count = parts.get('COUNT');
  if (count !== undefined && !(/^\d+$/.test(count) && +count >= 1 && +count <= RECURRENCE_COUNT_MAX)) return `COUNT must be 1 to ${RECURRENCE_COUNT_MAX}`;
  if (count !== undefined && parts.has('UNTIL')) return 'Use COUNT or UNTIL, not both';
  const until = parts.get('UNTIL');
  if (until !== undefined && !/^\d{8}(T\d{6}Z)?$/.test(until)) return 'UNTIL must be a date (20261231) or a UTC time (20261231T230000Z)';
  const byDay = parts.get('BYDAY');
  if (byDay !== undefined && !byDay.split(',').every((d) => DAYS.test(d))) return 'BYDAY must list days like MO,WE or 1MO, -1FR';
  const numbers = (name: string, min: number, max: number) => {
    const v = parts.get(name);
    return v === undefined || v.split(',').every((n) => /^-?\d{1,3}$/.test(n) && Math.abs(+n) >= min && Math.abs(+n) <= max);
  };
  if (!numbers('BYMONTHDAY', 1, 31)) return 'BYMONTHDAY must be days of the month, 1 to 31 (or -1 to -31)';
  if (!numbers('BYMONTH', 1, 12)) return 'BYMONTH must be months, 1 to 12';
  if (!numbers('BYSETPOS', 1, 366)) return 'BYSETPOS must be positions, 1 to 366 (or negative)';
  const wkst = parts.get('WKST');
  if (wkst !== undefined && !/^(MO|TU|WE|TH|FR|SA|SU)$/.test(wkst)) return 'WKST must be a day, such as MO';
  return null;
}

function startOf(source: RecurrenceSource): Temporal.ZonedDateTime {
  if (DATE.test(source.start)) return Temporal.PlainDate.from(source.start).toZonedDateTime({ timeZone: source.timeZone });
  if (!LOCAL.test(source.start)) throw new RangeError('start must be a local date-time such as 2026-10-12T09:00');
  // A wall time that a DST change skips moves forward; one it repeats is its first (RFC 5545).
  return Temporal.PlainDateTime.from(source.start).toZonedDateTime(source.timeZone, { disambiguation: 'compatible' });
}

function keyOf(at: Temporal.ZonedDateTime, allDay: boolean): string {
  return allDay ? at.toPlainDate().toString() : at.toPlainDateTime().toString({ smallestUnit: 'minute' });
}

/**
 * The occurrences of an event that start in [from, to), at most RECURRENCE_COUNT_MAX. Recurrence is computed in
 * the event's time zone (a weekly 09:00 in Europe/Berlin stays at 09:00 local across daylight saving changes),
 * whatever the server's own zone; each occurrence lasts the event's duration in real time.
 */
export function occurrences(source: RecurrenceSource, from: Date, to: Date): Occurrence[] {
  const allDay = DATE.test(source.start);
  const dtstart = startOf(source);
  const minutes = source.durationMinutes;
  const make = (at: Temporal.ZonedDateTime): Occurrence => {
    const end = allDay ? at.add({ days: Math.max(1, Math.round(minutes / 1440)) }) : at.add({ minutes });
    return { start: new Date(at.epochMilliseconds), end: new Date(end.epochMilliseconds), key: keyOf(at, allDay) };
  };
  if (!source.rrule) {
    const one = make(dtstart);
    return one.start < to && one.start >= from ? [one] : [];
  }
  const rule = new RRuleTemporal({ rruleString: source.rrule, dtstart });
  const found = rule.between(from, to, true) as Temporal.ZonedDateTime[];
  return found
    .map((at) => make(Temporal.ZonedDateTime.from(at.toString())))
    .filter((o) => o.start >= from && o.start < to)
    .slice(0, RECURRENCE_COUNT_MAX);
}
