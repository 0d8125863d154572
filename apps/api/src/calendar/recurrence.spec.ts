import { occurrences, ruleProblem, validTimeZone } from './recurrence';

const iso = (list: { start: Date }[]) => list.map((o) => o.start.toISOString());

describe('occurrences: recurrence in the event\u2019s time zone', () => {
  const zoneBefore = process.env['TZ'];
  afterEach(() => {
    process.env['TZ'] = zoneBefore;
  });

  it.each(['UTC', 'America/New_York', 'Asia/Tokyo'])('keeps a weekly 09:00 Europe/Berlin at 09:00 local across the end of summer time (server in %s)', (serverZone) => {
    process.env['TZ'] = serverZone;
    const weekly = { start: '2026-10-12T09:00', durationMinutes: 60, timeZone: 'Europe/Berlin', rrule: 'FREQ=WEEKLY;BYDAY=MO' };
    const found = occurrences(weekly, new Date('2026-10-01T00:00:00Z'), new Date('2026-11-10T00:00:00Z'));
    // Summer time (UTC+2) until the last Sunday of October (the 25th), then UTC+1.
    expect(iso(found)).toEqual(['2026-10-12T07:00:00.000Z', '2026-10-19T07:00:00.000Z', '2026-10-26T08:00:00.000Z', '2026-11-02T08:00:00.000Z', '2026-11-09T08:00:00.000Z']);
    expect(found.map((o) => o.key)).toEqual(['2026-10-12T09:00', '2026-10-19T09:00', '2026-10-26T09:00', '2026-11-02T09:00', '2026-11-09T09:00']);
    expect(found[2]!.end.toISOString()).toBe('2026-10-26T09:00:00.000Z');
  });

  it('honours COUNT, UNTIL, INTERVAL and monthly positions, and a single event', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2027-12-31T00:00:00Z');
    expect(occurrences({ start: '2026-03-02T10:00', durationMinutes: 30, timeZone: 'UTC', rrule: 'FREQ=DAILY;COUNT=3' }, from, to)).toHaveLength(3);
    expect(iso(occurrences({ start: '2026-03-02T10:00', durationMinutes: 30, timeZone: 'UTC', rrule: 'FREQ=DAILY;INTERVAL=2;UNTIL=20260306T235959Z' }, from, to))).toEqual([
      '2026-03-02T10:00:00.000Z',
      '2026-03-04T10:00:00.000Z',
      '2026-03-06T10:00:00.000Z',
    ]);
    // The last Friday of each month.
    const lastFridays = occurrences({ start: '2026-01-30T16:00', durationMinutes: 60, timeZone: 'UTC', rrule: 'FREQ=MONTHLY;BYDAY=-1FR;COUNT=3' }, from, to);
    expect(lastFridays.map((o) => o.key)).toEqual(['2026-01-30T16:00', '2026-02-27T16:00', '2026-03-27T16:00']);
    expect(iso(occurrences({ start: '2026-05-05T12:00', durationMinutes: 15, timeZone: 'UTC', rrule: null }, from, to))).toEqual(['2026-05-05T12:00:00.000Z']);
    expect(occurrences({ start: '2026-05-05T12:00', durationMinutes: 15, timeZone: 'UTC', rrule: null }, new Date('2026-06-01T00:00:00Z'), to)).toEqual([]);
  });

  it('expands all-day events by date, whatever the zone', () => {
    const found = occurrences({ start: '2026-12-24', durationMinutes: 1440, timeZone: 'Europe/Berlin', rrule: 'FREQ=YEARLY;COUNT=2' }, new Date('2026-01-01T00:00:00Z'), new Date('2028-01-01T00:00:00Z'));
    expect(found.map((o) => o.key)).toEqual(['2026-12-24', '2027-12-24']);
    expect(found[0]!.end.getTime() - found[0]!.start.getTime()).toBe(86_400_000);
  });
});

describe('ruleProblem and validTimeZone: what an event may say', () => {
  it('accepts the rules Parley offers', () => {
    for (const rule of ['FREQ=WEEKLY;BYDAY=MO,WE;INTERVAL=2', 'FREQ=MONTHLY;BYDAY=1MO;COUNT=10', 'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24', 'FREQ=DAILY;UNTIL=20261231', 'freq=daily;until=20261231T230000Z']) {
      expect(ruleProblem(rule)).toBeNull();
    }
  });

  it('refuses the rest with a reason', () => {
    expect(ruleProblem('FREQ=HOURLY')).toBe('FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY');
    expect(ruleProblem('FREQ=DAILY;COUNT=5000')).toBe('COUNT must be 1 to 1000');
    expect(ruleProblem('FREQ=DAILY;COUNT=5;UNTIL=20261231')).toBe('Use COUNT or UNTIL, not both');
    expect(ruleProblem('FREQ=WEEKLY;BYDAY=XX')).toMatch(/^BYDAY/);
    expect(ruleProblem('FREQ=DAILY;BYHOUR=9')).toBe('BYHOUR is not supported');
    expect(ruleProblem('FREQ=DAILY;INTERVAL=0')).toMatch(/^INTERVAL/);
    expect(ruleProblem('FREQ=DAILY;FREQ=WEEKLY')).toMatch(/is not a recurrence rule part/);
    expect(ruleProblem('junk')).toMatch(/is not a recurrence rule part/);
  });

  it('knows IANA zones', () => {
    expect(validTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(validTimeZone('Mars/Olympus')).toBeNull();
  });
});
