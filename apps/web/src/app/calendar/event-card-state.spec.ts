import { CalendarEvent, CalendarOccurrence, Message, RoomEventType } from '@parley/contracts';
import { cardState } from './event-card-state';
import { rangeWithRsvp, withRsvp } from './rsvp-change';

function makeEvent(extra: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    id: 'ev1',
    roomId: 'r1',
    title: 'Stand-up',
    description: '',
    location: '',
    encrypted: null,
    allDay: false,
    start: '2026-10-12T09:00',
    end: '2026-10-12T09:15',
    timeZone: 'UTC',
    rrule: 'FREQ=WEEKLY',
    cancelled: false,
    createdBy: { id: 'ana', name: 'Ana' },
    createdAt: '2026-10-01T00:00:00Z',
    updatedAt: '2026-10-01T00:00:00Z',
    exceptions: [],
    ...extra,
  };
}

function makeOccurrence(day: string, extra: Partial<CalendarOccurrence> = {}): CalendarOccurrence {
  return {
    eventId: 'ev1',
    roomId: 'r1',
    occurrence: `${day}T09:00`,
    start: `${day}T09:00:00.000Z`,
    end: `${day}T09:15:00.000Z`,
    localStart: `${day}T09:00`,
    localEnd: `${day}T09:15`,
    moved: false,
    cancelled: false,
    rsvp: { going: 0, maybe: 0, declined: 0, people: [], mine: null },
    ...extra,
  };
}

/** The system line the server writes when Ana schedules the event: the card is built from it. */
const scheduled: Message = {
  id: 'm1',
  roomId: 'r1',
  seq: 7,
  rev: 7,
  senderId: 'ana',
  body: '',
  clientMsgId: 'system-1',
  createdAt: '2026-10-01T00:00:00Z',
  editedAt: null,
  deletedAt: null,
  replyToId: null,
  kind: 'system',
  event: { type: RoomEventType.EventScheduled, actor: { id: 'ana', name: 'Ana' }, name: 'Stand-up', calendarEventId: 'ev1' },
  attachments: [],
  encrypted: null,
};

describe('the event card in the timeline', () => {
  const weeks = [makeOccurrence('2026-10-12'), makeOccurrence('2026-10-19'), makeOccurrence('2026-10-26')];
  const at = (iso: string) => new Date(iso);

  it('names the event of the system message', () => {
    expect(scheduled.event?.calendarEventId).toBe('ev1');
    expect(cardState(makeEvent({ id: scheduled.event!.calendarEventId! }), weeks, at('2026-10-01T00:00:00Z'))).toEqual({ kind: 'upcoming', occurrence: weeks[0] });
  });

  it('waits for the event, and says when it cannot be read', () => {
    expect(cardState(undefined, [], at('2026-10-01T00:00:00Z'))).toEqual({ kind: 'loading' });
    expect(cardState(null, [], at('2026-10-01T00:00:00Z'))).toEqual({ kind: 'missing' });
  });

  it('shows the next occurrence, "starting now" during one, and skips a cancelled one', () => {
    expect(cardState(makeEvent(), weeks, at('2026-10-12T09:05:00Z'))).toEqual({ kind: 'now', occurrence: weeks[0] });
    expect(cardState(makeEvent(), weeks, at('2026-10-12T09:15:00Z'))).toEqual({ kind: 'upcoming', occurrence: weeks[1] });
    const skipped = [weeks[0]!, { ...weeks[1]!, cancelled: true }, weeks[2]!];
    expect(cardState(makeEvent(), skipped, at('2026-10-13T00:00:00Z'))).toEqual({ kind: 'upcoming', occurrence: weeks[2] });
  });

  it('says cancelled for a cancelled event, or when only cancelled occurrences are left; ended after the last', () => {
    const all = weeks.map((o) => ({ ...o, cancelled: true }));
    expect(cardState(makeEvent({ cancelled: true }), all, at('2026-10-13T00:00:00Z'))).toEqual({ kind: 'cancelled', occurrence: all[1] });
    const single = [makeOccurrence('2026-10-12', { cancelled: true })];
    expect(cardState(makeEvent({ rrule: null }), single, at('2026-10-01T00:00:00Z'))).toEqual({ kind: 'cancelled', occurrence: single[0] });
    expect(cardState(makeEvent(), weeks, at('2026-11-01T00:00:00Z'))).toEqual({ kind: 'ended', occurrence: weeks[2] });
  });

  it('counts answers as they arrive live, with my own answer', () => {
    const going = withRsvp(weeks[0]!.rsvp, { userId: 'bo', name: 'Bo', status: 'going' }, 'ana');
    expect(going).toEqual({ going: 1, maybe: 0, declined: 0, people: [{ userId: 'bo', name: 'Bo', status: 'going' }], mine: null });
    const changed = withRsvp(going, { userId: 'bo', name: 'Bo', status: 'declined' }, 'bo');
    expect(changed).toMatchObject({ going: 0, declined: 1, mine: 'declined' });
    expect(withRsvp(changed, { userId: 'bo', name: 'Bo', status: null }, 'bo')).toEqual({ going: 0, maybe: 0, declined: 0, people: [], mine: null });
    const range = { from: '', to: '', events: [makeEvent()], occurrences: weeks, reminders: {} };
    const after = rangeWithRsvp(range, { roomId: 'r1', eventId: 'ev1', occurrence: '2026-10-19T09:00', userId: 'bo', name: 'Bo', status: 'maybe' }, 'ana');
    expect(after.occurrences.map((o) => o.rsvp.maybe)).toEqual([0, 1, 0]);
    expect(rangeWithRsvp(range, { roomId: 'r1', eventId: 'other', occurrence: 'x', userId: 'bo', name: 'Bo', status: 'maybe' }, 'ana')).toBe(range);
  });
});
