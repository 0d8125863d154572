import { CalendarOccurrence } from '@parley/contracts';
import { dayStart, dayValue } from '../shared/local-day';

/**
 * The calendar's geometry in the viewer's own time zone: which days a month or week shows, which occurrences
 * fall on a day (all-day ones first), and where timed ones sit in a day column of the week view.
 * Days are YYYY-MM-DD strings in the browser's zone.
 */

export type CalendarView = 'month' | 'week' | 'agenda';
/** How many days the agenda lists at a time. */
export const AGENDA_DAYS = 28;
const DAY_MINUTES = 24 * 60;

export function addDays(day: string, n: number): string {
  return dayValue(dayStart(day, n)!);
}

/** The same day `n` months on (the month's last day when it has no such day: 31 Jan + 1 month is 28/29 Feb). */
export function addMonths(day: string, n: number): string {
  const d = dayStart(day)!;
  const first = new Date(d.getFullYear(), d.getMonth() + n, 1);
  const last = new Date(first.getFullYear(), first.getMonth() + 1, 0).getDate();
  return dayValue(new Date(first.getFullYear(), first.getMonth(), Math.min(d.getDate(), last)));
}

/** 0 for Sunday … 6 for Saturday. */
export function weekdayIndex(day: string): number {
  return dayStart(day)!.getDay();
}

/** The first day of the week in `locale` (0 Sunday, 1 Monday, 6 Saturday), Monday when the browser cannot say. */
export function weekStartFor(locale: string | undefined): number {
  try {
    const info = new Intl.Locale(locale ?? navigator.language) as unknown as { getWeekInfo?: () => { firstDay: number }; weekInfo?: { firstDay: number } };
    const firstDay = info.getWeekInfo?.().firstDay ?? info.weekInfo?.firstDay;
    return firstDay ? firstDay % 7 : 1;
  } catch {
    return 1;
  }
}

/** The first day of the week holding `day`. */
export function startOfWeek(day: string, weekStart: number): string {
  return addDays(day, -((weekdayIndex(day) - weekStart + 7) % 7));
}

export function weekDays(day: string, weekStart: number): string[] {
  const first = startOfWeek(day, weekStart);
  return Array.from({ length: 7 }, (_, i) => addDays(first, i));
}

export interface MonthDay {
  date: string;
  /** Part of the month shown (the grid starts and ends with days of its neighbours). */
  inMonth: boolean;
  today: boolean;
}

/** The month of `day` as whole weeks: 4 to 6 rows of 7 days. */
export function monthWeeks(day: string, weekStart: number, today: string): MonthDay[][] {
  const month = day.slice(0, 7);
  let cursor = startOfWeek(`${month}-01`, weekStart);
  const weeks: MonthDay[][] = [];
  do {
    weeks.push(Array.from({ length: 7 }, (_, i) => {
      const date = addDays(cursor, i);
      return { date, inMonth: date.startsWith(month), today: date === today };
    }));
    cursor = addDays(cursor, 7);
  } while (cursor.startsWith(month));
  return weeks;
}

/** The days a view shows around `day`: [first, last] inclusive. */
export function viewDays(view: CalendarView, day: string, weekStart: number): { first: string; last: string } {
  if (view === 'week') {
    const first = startOfWeek(day, weekStart);
    return { first, last: addDays(first, 6) };
  }
  if (view === 'agenda') return { first: day, last: addDays(day, AGENDA_DAYS - 1) };
  const weeks = monthWeeks(day, weekStart, '');
  return { first: weeks[0]![0]!.date, last: weeks[weeks.length - 1]![6]!.date };
}

/** The day the view shows next (`step` 1) or before (-1). */
export function stepDay(view: CalendarView, day: string, step: 1 | -1): string {
  if (view === 'month') return addMonths(`${day.slice(0, 8)}01`, step);
  return addDays(day, step * (view === 'week' ? 7 : AGENDA_DAYS));
}

/** What the calendar places: an occurrence, and whether its event is all-day. */
export interface Placeable {
  occurrence: CalendarOccurrence;
  allDay: boolean;
}

/**
 * The first and last day (inclusive) an occurrence is on, for the viewer. All-day events keep their dates
 * wherever the viewer is (as in every calendar app); timed ones are placed by their instants in the viewer's zone.
 */
export function daysOf(item: Placeable): { first: string; last: string } {
  const o = item.occurrence;
  if (item.allDay) return { first: o.localStart.slice(0, 10), last: addDays(o.localEnd.slice(0, 10), -1) };
  const start = new Date(o.start);
  const end = new Date(Math.max(start.getTime(), new Date(o.end).getTime() - 1));
  return { first: dayValue(start), last: dayValue(end) };
}

/** Shown in the day's top row (all-day, or a timed occurrence that lasts a whole day or more), not in the hours. */
export function onTopRow(item: Placeable): boolean {
  if (item.allDay) return true;
  return new Date(item.occurrence.end).getTime() - new Date(item.occurrence.start).getTime() >= DAY_MINUTES * 60_000;
}

/** The occurrences on `day`: the top-row ones first (earliest first, longest first), then the timed ones by start. */
export function itemsOnDay<T extends Placeable>(items: readonly T[], day: string): T[] {
  const on = items.filter((i) => {
    const { first, last } = daysOf(i);
    return first <= day && day <= last;
  });
  return on.sort((a, b) => {
    const topA = onTopRow(a);
    const topB = onTopRow(b);
    if (topA !== topB) return topA ? -1 : 1;
    if (topA) {
      const da = daysOf(a);
      const db = daysOf(b);
      return da.first.localeCompare(db.first) || db.last.localeCompare(da.last) || a.occurrence.start.localeCompare(b.occurrence.start);
    }
    return a.occurrence.start.localeCompare(b.occurrence.start) || b.occurrence.end.localeCompare(a.occurrence.end);
  });
}

/** A timed occurrence in a day column: minutes from the day's midnight, and its column among those it overlaps. */
export interface TimedBlock<T> {
  item: T;
  /** Minutes after midnight (wall clock) where it starts on this day. */
  top: number;
  /** Minutes it lasts on this day (at least 15, so that a short one stays clickable). */
  height: number;
  /** Which of `columns` side-by-side columns it takes. */
  column: number;
  columns: number;
  /** It began on an earlier day / goes on after this one. */
  continuesBefore: boolean;
  continuesAfter: boolean;
}

const MIN_BLOCK_MINUTES = 15;

/** Lays out the timed occurrences of one day: overlapping ones share the width, side by side. */
export function layoutDay<T extends Placeable>(items: readonly T[], day: string): TimedBlock<T>[] {
  const blocks = items
    .filter((i) => !onTopRow(i))
    .map((item) => {
      const { first, last } = daysOf(item);
      const start = new Date(item.occurrence.start);
      const end = new Date(item.occurrence.end);
      const from = first < day ? 0 : start.getHours() * 60 + start.getMinutes();
      const to = last > day ? DAY_MINUTES : dayValue(end) === day ? end.getHours() * 60 + end.getMinutes() : DAY_MINUTES;
      return { item, from, to: Math.max(to, from), continuesBefore: first < day, continuesAfter: last > day, first, last };
    })
    .filter((b) => b.first <= day && day <= b.last)
    .sort((a, b) => a.from - b.from || b.to - a.to);

  const placed: TimedBlock<T>[] = [];
  let cluster: (TimedBlock<T> & { shownEnd: number })[] = [];
  let clusterEnd = -1;
  const columnEnds: number[] = [];
  const closeCluster = () => {
    const columns = Math.max(1, columnEnds.length);
    for (const b of cluster) placed.push({ item: b.item, top: b.top, height: b.height, column: b.column, columns, continuesBefore: b.continuesBefore, continuesAfter: b.continuesAfter });
    cluster = [];
    columnEnds.length = 0;
  };
  for (const b of blocks) {
    const height = Math.max(MIN_BLOCK_MINUTES, b.to - b.from);
    const shownEnd = Math.min(DAY_MINUTES, b.from + height);
    if (b.from >= clusterEnd && cluster.length) closeCluster();
    let column = columnEnds.findIndex((end) => end <= b.from);
    if (column === -1) {
      column = columnEnds.length;
      columnEnds.push(shownEnd);
    } else columnEnds[column] = shownEnd;
    clusterEnd = cluster.length ? Math.max(clusterEnd, shownEnd) : shownEnd;
    cluster.push({ item: b.item, top: b.from, height: Math.min(height, DAY_MINUTES - b.from), column, columns: 0, continuesBefore: b.continuesBefore, continuesAfter: b.continuesAfter, shownEnd });
  }
  if (cluster.length) closeCluster();
  return placed;
}
