import { CalendarEvent, CalendarOccurrence } from '@parley/contracts';
import { browserTimeZone, wallTime } from './zoned-time';

/**
 * When an occurrence happens, in words, in the viewer's locale and zone: "Mon, 12 Oct, 09:00 – 10:00",
 * "12 – 14 Oct" for an all-day event (its dates wherever the viewer is).
 */
function format(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, options);
}

function range(f: Intl.DateTimeFormat, a: Date, b: Date): string {
  const withRange = f as Intl.DateTimeFormat & { formatRange?: (x: Date, y: Date) => string };
  return withRange.formatRange ? withRange.formatRange(a, b) : `${f.format(a)} – ${f.format(b)}`;
}

/** A date (YYYY-MM-DD) as a Date at UTC midnight: formatted in UTC it is that day everywhere. */
const utcDay = (day: string) => new Date(`${day.slice(0, 10)}T00:00:00Z`);

export function occurrenceWhen(occurrence: Pick<CalendarOccurrence, 'start' | 'end' | 'localStart' | 'localEnd'>, allDay: boolean, locale?: string, timeZone?: string): string {
  if (allDay) {
    const first = utcDay(occurrence.localStart);
    const last = new Date(utcDay(occurrence.localEnd).getTime() - 86_400_000);
    const f = format(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
    return last.getTime() <= first.getTime() ? f.format(first) : range(f, first, last);
  }
  const f = format(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit', ...(timeZone ? { timeZone } : {}) });
  return range(f, new Date(occurrence.start), new Date(occurrence.end));
}

/** Only the times ("09:00 – 10:00"), for a day's list where the date is already said. */
export function occurrenceTimes(occurrence: Pick<CalendarOccurrence, 'start' | 'end'>, locale?: string): string {
  const f = format(locale, { hour: 'numeric', minute: '2-digit' });
  return range(f, new Date(occurrence.start), new Date(occurrence.end));
}

/**
 * The occurrence in the event's own zone, when that differs from the viewer's ("15:00 – 16:00 Europe/Berlin");
 * null when the clocks agree or the event is all-day.
 */
export function occurrenceInEventZone(occurrence: CalendarOccurrence, event: CalendarEvent, locale?: string, viewerZone = browserTimeZone()): string | null {
  if (event.allDay) return null;
  const start = new Date(occurrence.start);
  if (wallTime(start, event.timeZone) === wallTime(start, viewerZone) && wallTime(new Date(occurrence.end), event.timeZone) === wallTime(new Date(occurrence.end), viewerZone)) return null;
  return `${occurrenceWhen(occurrence, false, locale, event.timeZone)} (${event.timeZone.replace(/_/g, ' ')})`;
}

/** A day heading: "Monday, 12 October". */
export function dayHeading(day: string, locale?: string): string {
  return format(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(utcDay(day));
}

/** The page's title for what it shows: "October 2026", "12 – 18 Oct 2026". */
export function periodTitle(first: string, last: string, month: boolean, locale?: string): string {
  if (month) return format(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(utcDay(first));
  return range(format(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }), utcDay(first), utcDay(last));
}

/** A start time as short as it can be: "10 AM", "10:30 AM" ("10", "10:30" in 24-hour locales). */
export function shortTime(instant: string, locale?: string): string {
  const d = new Date(instant);
  const hours = format(locale, { hour: 'numeric' });
  const twelve = hours.resolvedOptions().hourCycle === 'h12' || hours.resolvedOptions().hourCycle === 'h11';
  return twelve && !d.getMinutes() ? hours.format(d) : format(locale, { hour: 'numeric', minute: '2-digit' }).format(d);
}
