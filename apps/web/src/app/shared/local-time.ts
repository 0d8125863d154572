/**
 * Dates and times in the user's own locale and time zone (Intl with the browser's locale), in one style
 * everywhere: a message's bubble and the room list show the same "6:00 AM" (or "06:00" in en-GB).
 */
export type LocalTimeStyle = 'time' | 'date' | 'dateTime' | 'full';

const OPTIONS: Record<LocalTimeStyle, Intl.DateTimeFormatOptions> = {
  time: { timeStyle: 'short' },
  date: { dateStyle: 'medium' },
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
  full: { dateStyle: 'full', timeStyle: 'short' },
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(style: LocalTimeStyle, locale: string | undefined): Intl.DateTimeFormat {
  const key = `${style}|${locale ?? ''}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, OPTIONS[style]);
    formatters.set(key, format);
  }
  return format;
}

/** `value` as the style says; '' for a missing or invalid date. `locale` is for tests (default: the browser's). */
export function localTime(value: string | Date | null | undefined, style: LocalTimeStyle, locale?: string): string {
  if (value === null || value === undefined) return '';
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? '' : formatter(style, locale).format(date);
}
