/**
 * Wall times in an IANA zone, with Intl only (the browser has no Temporal yet). The calendar's times travel as
 * local wall times in the event's zone (`2026-10-12T09:00`); these turn them into instants and back.
 */

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let format = partsFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, format);
  }
  return format;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The wall time of `instant` in `timeZone`, as `YYYY-MM-DDTHH:mm`. */
export function wallTime(instant: Date, timeZone: string): string {
  const parts: Record<string, string> = {};
  for (const p of partsFormatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}`;
}

/** Minutes `timeZone` is ahead of UTC at `instant`. */
function offsetMinutes(instant: Date, timeZone: string): number {
  const wall = wallTime(instant, timeZone);
  const asUtc = Date.UTC(+wall.slice(0, 4), +wall.slice(5, 7) - 1, +wall.slice(8, 10), +wall.slice(11, 13), +wall.slice(14, 16));
  return Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * The instant of a wall time (`YYYY-MM-DDTHH:mm`, or a date: its midnight) in `timeZone`. A time a DST change
 * skips moves forward by the gap; one it repeats is the first (as RFC 5545 and the server read them).
 */
export function zonedInstant(local: string, timeZone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(local);
  if (!m) return new Date(NaN);
  const full = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}`;
  const asUtc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0));
  // Two guesses cover both sides of a change: the offset before and the offset after.
  const first = offsetMinutes(new Date(asUtc), timeZone);
  const candidates = new Set([first, offsetMinutes(new Date(asUtc - first * 60_000), timeZone)]);
  const exact = [...candidates].map((off) => asUtc - off * 60_000).filter((t) => wallTime(new Date(t), timeZone) === full);
  if (exact.length) return new Date(Math.min(...exact));
  // Skipped by a spring-forward: the same distance past the change, on the clock after it.
  const before = offsetMinutes(new Date(asUtc - 86_400_000), timeZone);
  return new Date(asUtc - before * 60_000);
}

/** An instant as an RFC 5545 UTC time: `20261231T225900Z`. */
export function utcStamp(instant: Date): string {
  return `${instant.getUTCFullYear()}${pad(instant.getUTCMonth() + 1)}${pad(instant.getUTCDate())}T${pad(instant.getUTCHours())}${pad(instant.getUTCMinutes())}${pad(instant.getUTCSeconds())}Z`;
}

/** The browser's own zone. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The zones this browser knows, for the zone picker (the browser's own first when it is missing from the list). */
export function knownTimeZones(): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const list = supported ? supported('timeZone') : [];
  const own = browserTimeZone();
  const all = list.includes(own) ? list : [own, ...list];
  return all.includes('UTC') ? all : [...all, 'UTC'];
}
