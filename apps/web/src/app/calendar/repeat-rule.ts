import { utcStamp, wallTime, zonedInstant } from './zoned-time';

/** RFC 5545 weekdays, Monday first. */
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const WEEKDAY_NAMES: Readonly<Record<Weekday, string>> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};

export type RepeatFrequency = 'none' | 'daily' | 'weekly' | 'monthly' | 'yearly';
export type RepeatEnd = 'never' | 'until' | 'count';

/** What the event dialog's "Repeat" fields say. */
export interface Repeat {
  frequency: RepeatFrequency;
  /** Every N days, weeks, months or years. */
  interval: number;
  /** Weekly: on these days (none: the start's weekday). */
  weekdays: Weekday[];
  ends: RepeatEnd;
  /** The last day (YYYY-MM-DD), in the event's zone, when `ends` is `until`. */
  until: string;
  /** How many occurrences, when `ends` is `count`. */
  count: number;
}

/** When the event starts: the rule's UNTIL is read against it. */
export interface RuleAnchor {
  /** `2026-10-12T09:00`, or a date for an all-day event. */
  start: string;
  allDay: boolean;
  timeZone: string;
}

export const NO_REPEAT: Repeat = { frequency: 'none', interval: 1, weekdays: [], ends: 'never', until: '', count: 10 };

const FREQ: Record<Exclude<RepeatFrequency, 'none'>, string> = { daily: 'DAILY', weekly: 'WEEKLY', monthly: 'MONTHLY', yearly: 'YEARLY' };

/** The weekday of a YYYY-MM-DD date (the calendar's own, whatever zone the browser is in). */
export function weekdayOf(date: string): Weekday {
  const day = new Date(Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10))).getUTCDay();
  return WEEKDAYS[(day + 6) % 7]!;
}

/**
 * The RRULE value for what the dialog says, or null for an event that does not repeat. UNTIL includes the whole
 * last day: a date for all-day events, else the end of that day in the event's zone as a UTC time (RFC 5545 wants
 * UTC when the start has a zone).
 */
export function buildRrule(repeat: Repeat, anchor: RuleAnchor): string | null {
  if (repeat.frequency === 'none') return null;
  const parts = [`FREQ=${FREQ[repeat.frequency]}`];
  const interval = Math.max(1, Math.floor(repeat.interval) || 1);
  if (interval > 1) parts.push(`INTERVAL=${interval}`);
  if (repeat.frequency === 'weekly') {
    const days = WEEKDAYS.filter((d) => repeat.weekdays.includes(d));
    // Only the start's own weekday is what a weekly rule does anyway.
    if (days.length > 1 || (days.length === 1 && days[0] !== weekdayOf(anchor.start.slice(0, 10)))) parts.push(`BYDAY=${days.join(',')}`);
  }
  if (repeat.ends === 'count') parts.push(`COUNT=${Math.max(1, Math.floor(repeat.count) || 1)}`);
  if (repeat.ends === 'until' && /^\d{4}-\d{2}-\d{2}$/.test(repeat.until)) {
    parts.push(`UNTIL=${anchor.allDay ? repeat.until.replace(/-/g, '') : utcStamp(new Date(zonedInstant(`${repeat.until}T23:59`, anchor.timeZone).getTime() + 59_000))}`);
  }
  return parts.join(';');
}

function ruleParts(rrule: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of rrule.replace(/^RRULE:/i, '').toUpperCase().split(';')) {
    const [name, value] = part.split('=');
    if (name && value !== undefined) parts.set(name, value);
  }
  return parts;
}

/** The last day of an UNTIL, in the event's zone (YYYY-MM-DD). */
function untilDay(until: string, timeZone: string): string {
  const date = `${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}`;
  if (until.length === 8) return date;
  const instant = new Date(`${date}T${until.slice(9, 11)}:${until.slice(11, 13)}:${until.slice(13, 15)}Z`);
  return wallTime(instant, timeZone).slice(0, 10);
}

/**
 * The dialog's fields for a stored rule, or null when the rule says more than the dialog offers (a monthly
 * "last Friday" from another app, BYMONTH…): the dialog then keeps it as it is unless the user replaces it.
 */
export function parseRrule(rrule: string | null, anchor: RuleAnchor): Repeat | null {
  if (!rrule) return { ...NO_REPEAT };
  const parts = ruleParts(rrule);
  const freq = Object.entries(FREQ).find(([, v]) => v === parts.get('FREQ'))?.[0] as Repeat['frequency'] | undefined;
  if (!freq) return null;
  const known = ['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'WKST', ...(freq === 'weekly' ? ['BYDAY'] : [])];
  if ([...parts.keys()].some((k) => !known.includes(k))) return null;
  const weekdays = (parts.get('BYDAY') ?? '').split(',').filter(Boolean);
  if (weekdays.some((d) => !(WEEKDAYS as readonly string[]).includes(d))) return null;
  const interval = Number(parts.get('INTERVAL') ?? 1);
  const count = parts.get('COUNT');
  const until = parts.get('UNTIL');
  return {
    frequency: freq,
    interval: Number.isInteger(interval) && interval > 0 ? interval : 1,
    weekdays: freq === 'weekly' ? (weekdays.length ? (weekdays as Weekday[]) : [weekdayOf(anchor.start.slice(0, 10))]) : [],
    ends: count ? 'count' : until ? 'until' : 'never',
    until: until ? untilDay(until, anchor.timeZone) : '',
    count: count ? Number(count) : 10,
  };
}

const ORDINALS: Record<string, string> = { '1': 'first', '2': 'second', '3': 'third', '4': 'fourth', '5': 'fifth', '-1': 'last', '-2': 'second to last' };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function dayWords(byday: string): string {
  return list(
    byday.split(',').map((d) => {
      const m = /^([+-]?\d+)?([A-Z]{2})$/.exec(d);
      if (!m) return d;
      const name = WEEKDAY_NAMES[m[2] as Weekday] ?? m[2]!;
      return m[1] ? `the ${ORDINALS[String(Number(m[1]))] ?? m[1]} ${name}` : name;
    }),
  );
}

/** A long date in words for an UNTIL: "31 December 2026" (in the viewer's locale). */
function untilWords(day: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

/**
 * A rule in words: "Every week on Monday and Wednesday, 10 times", "Every 2 months, until 31 December 2026",
 * "Every month on the last Friday". Empty for an event that does not repeat.
 */
export function describeRrule(rrule: string | null, anchor: RuleAnchor, locale?: string): string {
  if (!rrule) return '';
  const parts = ruleParts(rrule);
  const unit = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' }[parts.get('FREQ') ?? ''];
  if (!unit) return 'Repeats';
  const interval = Number(parts.get('INTERVAL') ?? 1);
  const words = [interval > 1 ? `Every ${interval} ${unit}s` : `Every ${unit}`];
  const byday = parts.get('BYDAY');
  const bymonthday = parts.get('BYMONTHDAY');
  const bymonth = parts.get('BYMONTH');
  if (byday) words.push(`on ${dayWords(byday)}`);
  else if (unit === 'week') words.push(`on ${WEEKDAY_NAMES[weekdayOf(anchor.start.slice(0, 10))]}`);
  if (bymonthday) words.push(`on day ${list(bymonthday.split(','))}`);
  if (bymonth) words.push(`in ${list(bymonth.split(',').map((m) => MONTHS[Number(m) - 1] ?? m))}`);
  if (parts.get('BYSETPOS')) words.push(`(position ${parts.get('BYSETPOS')})`);
  let text = words.join(' ');
  const count = parts.get('COUNT');
  const until = parts.get('UNTIL');
  if (count) text += Number(count) === 1 ? ', once' : `, ${count} times`;
  else if (until) text += `, until ${untilWords(untilDay(until, anchor.timeZone), locale)}`;
  return text;
}
