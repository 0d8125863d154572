import { CalendarOccurrence } from '@parley/contracts';
import { shortTime } from './occurrence-words';
import { addMonths, daysOf, itemsOnDay, layoutDay, monthWeeks, stepDay, viewDays, weekDays } from './calendar-layout';

// Instants are built from local wall times, so the tests hold in whatever zone they run.
const local = (day: string, time: string) => new Date(`${day}T${time}:00`).toISOString();

function occurrence(start: string, end: string, extra: Partial<CalendarOccurrence> = {}): CalendarOccurrence {
  return {
    eventId: extra.eventId ?? `${start}-${end}`,
    roomId: 'r1',
    occurrence: start,
    start,
    end,
    localStart: start,
    localEnd: end,
    moved: false,
    cancelled: false,
    rsvp: { going: 0, maybe: 0, declined: 0, people: [], mine: null },
    ...extra,
  };
}
const timed = (day: string, from: string, to: string, toDay = day) => ({ occurrence: occurrence(local(day, from), local(toDay, to)), allDay: false });
const allDay = (first: string, endExclusive: string) => ({ occurrence: occurrence(first, endExclusive, { localStart: first, localEnd: endExclusive }), allDay: true });

describe('the month grid', () => {
  it('shows whole weeks from the chosen first weekday, marking the days of the month and today', () => {
    // October 2026 starts on a Thursday.
    const monday = monthWeeks('2026-10-20', 1, '2026-10-20');
    expect(monday).toHaveLength(5);
    expect(monday[0]!.map((d) => d.date)).toEqual(['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04']);
    expect(monday[0]![0]!.inMonth).toBe(false);
    expect(monday[0]![3]!.inMonth).toBe(true);
    expect(monday.flat().filter((d) => d.today).map((d) => d.date)).toEqual(['2026-10-20']);
    expect(monday[4]![6]!.date).toBe('2026-11-01');
    const sunday = monthWeeks('2026-10-01', 0, '');
    expect(sunday[0]![0]!.date).toBe('2026-09-27');
    // A month that needs six rows: August 2026 (starts on a Saturday) with Monday first.
    expect(monthWeeks('2026-08-15', 1, '')).toHaveLength(6);
  });

  it('steps by month (keeping a valid day), by week and by agenda page', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(stepDay('month', '2026-10-20', 1)).toBe('2026-11-01');
    expect(stepDay('month', '2026-10-20', -1)).toBe('2026-09-01');
    expect(stepDay('week', '2026-10-20', 1)).toBe('2026-10-27');
    expect(stepDay('agenda', '2026-10-20', 1)).toBe('2026-11-17');
    expect(weekDays('2026-10-20', 1)[0]).toBe('2026-10-19');
    expect(viewDays('week', '2026-10-20', 0)).toEqual({ first: '2026-10-18', last: '2026-10-24' });
    expect(viewDays('month', '2026-10-20', 1)).toEqual({ first: '2026-09-28', last: '2026-11-01' });
  });
});

describe('occurrences on a day', () => {
  it('places an all-day event on its dates (end exclusive) and a timed one by its local instants', () => {
    expect(daysOf(allDay('2026-10-12', '2026-10-15'))).toEqual({ first: '2026-10-12', last: '2026-10-14' });
    expect(daysOf(timed('2026-10-12', '22:00', '01:00', '2026-10-13'))).toEqual({ first: '2026-10-12', last: '2026-10-13' });
    // Ending at midnight is not on the next day.
    expect(daysOf(timed('2026-10-12', '23:00', '00:00', '2026-10-13'))).toEqual({ first: '2026-10-12', last: '2026-10-12' });
  });

  it('lists all-day events first, then timed ones by start', () => {
    const late = timed('2026-10-12', '15:00', '16:00');
    const early = timed('2026-10-12', '09:00', '10:00');
    const trip = allDay('2026-10-11', '2026-10-14');
    const holiday = allDay('2026-10-12', '2026-10-13');
    const other = timed('2026-10-13', '09:00', '10:00');
    expect(itemsOnDay([late, early, holiday, other, trip], '2026-10-12')).toEqual([trip, holiday, early, late]);
  });
});

describe('a day column of the week view', () => {
  it('puts each timed occurrence at its minutes, side by side where they overlap', () => {
    const a = timed('2026-10-12', '09:00', '10:00');
    const b = timed('2026-10-12', '09:30', '11:00');
    const c = timed('2026-10-12', '10:00', '10:30');
    const d = timed('2026-10-12', '13:00', '13:05');
    const blocks = layoutDay([a, b, c, d, allDay('2026-10-12', '2026-10-13')], '2026-10-12');
    const of = (item: unknown) => blocks.find((x) => x.item === item)!;
    expect(blocks).toHaveLength(4);
    expect(of(a)).toMatchObject({ top: 540, height: 60, column: 0, columns: 2 });
    expect(of(b)).toMatchObject({ top: 570, height: 90, column: 1, columns: 2 });
    // c starts when a ends: it takes a's column.
    expect(of(c)).toMatchObject({ top: 600, height: 30, column: 0, columns: 2 });
    // A short one alone, made tall enough to click.
    expect(of(d)).toMatchObject({ top: 780, height: 15, column: 0, columns: 1 });
  });

  it('cuts an occurrence past midnight at the day edges', () => {
    const night = timed('2026-10-12', '22:00', '02:00', '2026-10-13');
    expect(layoutDay([night], '2026-10-12')[0]).toMatchObject({ top: 1320, height: 120, continuesAfter: true, continuesBefore: false });
    expect(layoutDay([night], '2026-10-13')[0]).toMatchObject({ top: 0, height: 120, continuesBefore: true, continuesAfter: false });
  });
});

describe('times on the month grid', () => {
  it('are as short as the locale allows: no ":00" on a 12-hour clock, always the minutes on a 24-hour one', () => {
    const ten = new Date(2026, 9, 12, 10, 0).toISOString();
    const half = new Date(2026, 9, 12, 10, 30).toISOString();
    expect(shortTime(ten, 'en-US')).toBe('10 AM');
    expect(shortTime(half, 'en-US')).toBe('10:30 AM');
    expect(shortTime(ten, 'en-GB')).toBe('10:00');
  });
});
