import { CalendarEvent, CalendarOccurrence } from '@parley/contracts';

/**
 * What an event's card in the timeline says: the occurrence on now ("Starting now"), else the next one, else the
 * last one ("Ended"); "Cancelled" for a cancelled event (or when every occurrence left is cancelled).
 */
export type CardState =
  | { kind: 'loading' }
  /** The event is gone from the calendar (no longer readable). */
  | { kind: 'missing' }
  | { kind: 'now' | 'upcoming' | 'cancelled' | 'ended'; occurrence: CalendarOccurrence | null };

export function cardState(event: CalendarEvent | null | undefined, occurrences: readonly CalendarOccurrence[], now: Date): CardState {
  if (event === undefined) return { kind: 'loading' };
  if (event === null) return { kind: 'missing' };
  const t = now.getTime();
  const mine = occurrences.filter((o) => o.eventId === event.id).sort((a, b) => a.start.localeCompare(b.start));
  const startOf = (o: CalendarOccurrence) => new Date(o.start).getTime();
  const endOf = (o: CalendarOccurrence) => new Date(o.end).getTime();
  const live = mine.filter((o) => !o.cancelled);
  if (event.cancelled) return { kind: 'cancelled', occurrence: mine.find((o) => endOf(o) > t) ?? mine[mine.length - 1] ?? null };
  const on = live.find((o) => startOf(o) <= t && t < endOf(o));
  if (on) return { kind: 'now', occurrence: on };
  const next = live.find((o) => startOf(o) > t);
  if (next) return { kind: 'upcoming', occurrence: next };
  const cancelledAhead = mine.find((o) => o.cancelled && endOf(o) > t);
  if (cancelledAhead) return { kind: 'cancelled', occurrence: cancelledAhead };
  return { kind: 'ended', occurrence: live[live.length - 1] ?? mine[mine.length - 1] ?? null };
}
