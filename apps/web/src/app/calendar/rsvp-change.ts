import { CalendarRange, CalendarRsvpChange, RsvpSummary } from '@parley/contracts';

/** An occurrence's answers after someone answered (or took their answer back), as the server counts them. */
export function withRsvp(summary: RsvpSummary, change: Pick<CalendarRsvpChange, 'userId' | 'name' | 'status'>, me: string | null): RsvpSummary {
  const people = summary.people.filter((p) => p.userId !== change.userId);
  if (change.status) people.push({ userId: change.userId, name: change.name, status: change.status });
  const count = (status: string) => people.filter((p) => p.status === status).length;
  return {
    going: count('going'),
    maybe: count('maybe'),
    declined: count('declined'),
    people,
    mine: change.userId === me ? change.status : summary.mine,
  };
}

/** A range with one occurrence's answers changed; the same object when the range does not hold that occurrence. */
export function rangeWithRsvp(range: CalendarRange, change: CalendarRsvpChange, me: string | null): CalendarRange {
  let changed = false;
  const occurrences = range.occurrences.map((o) => {
    if (o.eventId !== change.eventId || o.occurrence !== change.occurrence) return o;
    changed = true;
    return { ...o, rsvp: withRsvp(o.rsvp, change, me) };
  });
  return changed ? { ...range, occurrences } : range;
}
