import { NO_REPEAT, Repeat, buildRrule, describeRrule, parseRrule, weekdayOf } from './repeat-rule';

const berlin = { start: '2026-10-12T09:00', allDay: false, timeZone: 'Europe/Berlin' };
const repeat = (r: Partial<Repeat>): Repeat => ({ ...NO_REPEAT, ...r });

describe('the repeat rule the event dialog builds', () => {
  it('is none for an event that does not repeat', () => {
    expect(buildRrule(NO_REPEAT, berlin)).toBeNull();
  });

  it('builds daily, weekly, monthly and yearly rules with their interval', () => {
    expect(buildRrule(repeat({ frequency: 'daily' }), berlin)).toBe('FREQ=DAILY');
    expect(buildRrule(repeat({ frequency: 'monthly', interval: 3 }), berlin)).toBe('FREQ=MONTHLY;INTERVAL=3');
    expect(buildRrule(repeat({ frequency: 'yearly', interval: 1 }), berlin)).toBe('FREQ=YEARLY');
  });

  it('names the weekdays of a weekly rule in calendar order, leaving out BYDAY when it is only the start day', () => {
    expect(weekdayOf('2026-10-12')).toBe('MO');
    expect(buildRrule(repeat({ frequency: 'weekly', weekdays: ['MO'] }), berlin)).toBe('FREQ=WEEKLY');
    expect(buildRrule(repeat({ frequency: 'weekly', weekdays: ['FR', 'MO', 'WE'], interval: 2 }), berlin)).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR');
    expect(buildRrule(repeat({ frequency: 'weekly', weekdays: ['TU'] }), berlin)).toBe('FREQ=WEEKLY;BYDAY=TU');
  });

  it('ends after a count, or on a day: the whole day in the event zone, as UTC (a date for all-day events)', () => {
    expect(buildRrule(repeat({ frequency: 'daily', ends: 'count', count: 5 }), berlin)).toBe('FREQ=DAILY;COUNT=5');
    // 31 December 23:59:59 in Berlin (UTC+1 in winter) is 22:59:59Z.
    expect(buildRrule(repeat({ frequency: 'weekly', weekdays: ['MO'], ends: 'until', until: '2026-12-31' }), berlin)).toBe('FREQ=WEEKLY;UNTIL=20261231T225959Z');
    // In summer (UTC+2), and in New York (UTC-4 in July).
    expect(buildRrule(repeat({ frequency: 'daily', ends: 'until', until: '2026-07-01' }), berlin)).toBe('FREQ=DAILY;UNTIL=20260701T215959Z');
    expect(buildRrule(repeat({ frequency: 'daily', ends: 'until', until: '2026-07-01' }), { ...berlin, timeZone: 'America/New_York' })).toBe('FREQ=DAILY;UNTIL=20260702T035959Z');
    expect(buildRrule(repeat({ frequency: 'yearly', ends: 'until', until: '2030-05-01' }), { start: '2026-05-01', allDay: true, timeZone: 'UTC' })).toBe('FREQ=YEARLY;UNTIL=20300501');
  });

  it('reads a rule back into the dialog, and leaves rules it cannot show as they are', () => {
    expect(parseRrule('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20261231T225959Z', berlin)).toEqual({
      frequency: 'weekly',
      interval: 2,
      weekdays: ['MO', 'WE'],
      ends: 'until',
      until: '2026-12-31',
      count: 10,
    });
    expect(parseRrule('RRULE:freq=daily;count=3', berlin)).toEqual({ ...NO_REPEAT, frequency: 'daily', ends: 'count', count: 3 });
    expect(parseRrule(null, berlin)).toEqual(NO_REPEAT);
    expect(parseRrule('FREQ=MONTHLY;BYDAY=-1FR', berlin)).toBeNull();
    expect(parseRrule('FREQ=HOURLY', berlin)).toBeNull();
  });

  it('round-trips what it builds', () => {
    const cases: Repeat[] = [
      repeat({ frequency: 'weekly', weekdays: ['TU', 'TH'], ends: 'count', count: 8 }),
      repeat({ frequency: 'monthly', interval: 2, ends: 'until', until: '2027-03-31' }),
    ];
    for (const r of cases) expect(parseRrule(buildRrule(r, berlin), berlin)).toEqual(r);
  });

  it('says the rule in words', () => {
    expect(describeRrule('FREQ=WEEKLY;BYDAY=MO,WE', berlin, 'en-GB')).toBe('Every week on Monday and Wednesday');
    expect(describeRrule('FREQ=WEEKLY', berlin, 'en-GB')).toBe('Every week on Monday');
    expect(describeRrule('FREQ=DAILY;INTERVAL=2;COUNT=10', berlin, 'en-GB')).toBe('Every 2 days, 10 times');
    expect(describeRrule('FREQ=MONTHLY;BYDAY=-1FR', berlin, 'en-GB')).toBe('Every month on the last Friday');
    expect(describeRrule('FREQ=WEEKLY;UNTIL=20261231T225959Z', berlin, 'en-GB')).toBe('Every week on Monday, until 31 December 2026');
    expect(describeRrule(null, berlin)).toBe('');
  });
});
