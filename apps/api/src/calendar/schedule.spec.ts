import { ApiException } from '../common/api-exceptions';
import { Temporal } from 'temporal-polyfill';
import { vtimezone } from './calendar-ics';
import { checkedSchedule, expand, findOccurrence } from './schedule';

const weekly = { allDay: false, start: '2026-10-12T09:00', end: '2026-10-12T10:00', timeZone: 'Europe/Berlin', rrule: 'FREQ=WEEKLY;BYDAY=MO' };

/** The field and message of the 400 that `run` throws. */
function refusal(run: () => unknown): { field: string; message: string } | undefined {
  try {
    run();
  } catch (err) {
    return err instanceof ApiException ? err.details?.[0] : undefined;
  }
  return undefined;
}

describe('checkedSchedule: what an event may say about its times', () => {
  it('canonicalises the zone and the rule, and bounds what the occurrences span', () => {
    const s = checkedSchedule({ ...weekly, timeZone: 'europe/berlin', rrule: 'RRULE:freq=weekly;byday=mo;count=3' });
    expect(s.timeZone).toBe('Europe/Berlin');
    expect(s.rrule).toBe('FREQ=WEEKLY;BYDAY=MO;COUNT=3');
    expect(s.firstStart.toISOString()).toBe('2026-10-12T07:00:00.000Z');
    // The third Monday, after the end of summer time: 09:00 to 10:00 local is 08:00Z to 09:00Z.
    expect(s.lastEnd!.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-10-26T09:00:00Z'));
    expect(checkedSchedule(weekly).lastEnd).toBeNull();
    expect(checkedSchedule({ ...weekly, rrule: null }).lastEnd!.getTime()).toBeGreaterThan(Date.parse('2026-10-12T08:00:00Z'));
  });

  it('refuses bad zones, rules, shapes and spans, naming the field', () => {
    expect(refusal(() => checkedSchedule({ ...weekly, timeZone: 'Mars/Olympus' }))).toEqual({ field: 'timeZone', message: 'timeZone must be an IANA time zone such as Europe/Berlin' });
    expect(refusal(() => checkedSchedule({ ...weekly, timeZone: '+01:00' }))?.field).toBe('timeZone');
    expect(refusal(() => checkedSchedule({ ...weekly, rrule: 'FREQ=HOURLY' }))).toEqual({ field: 'rrule', message: 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY' });
    expect(refusal(() => checkedSchedule({ ...weekly, end: '2026-10-12T08:00' }))).toEqual({ field: 'end', message: 'end must be after start' });
    expect(refusal(() => checkedSchedule({ ...weekly, start: '2026-02-30T09:00' }))?.field).toBe('start');
    expect(refusal(() => checkedSchedule({ ...weekly, start: '2026-10-12' }))?.field).toBe('start');
    expect(refusal(() => checkedSchedule({ ...weekly, end: '2026-12-12T10:00' }))).toEqual({ field: 'end', message: 'An occurrence may last at most 31 days' });
    expect(refusal(() => checkedSchedule({ ...weekly, allDay: true, start: '2026-10-12', end: '2026-10-12' }))?.field).toBe('end');
  });
});

describe('expand: occurrences with their exceptions', () => {
  const source = checkedSchedule(weekly).source;

  it('marks a cancelled occurrence, moves another (found where it moved to), and leaves the rest as the rule says', () => {
    const exceptions = [
      { occurrence: '2026-10-19T09:00', cancelled: true, startLocal: null, endLocal: null },
      // Moved out of the range's original slot to the Tuesday after the range starts.
      { occurrence: '2026-10-05T09:00', cancelled: false, startLocal: '2026-10-13T14:00', endLocal: '2026-10-13T15:30' },
      { occurrence: '2026-10-26T09:00', cancelled: false, startLocal: '2026-10-26T11:00', endLocal: '2026-10-26T12:00' },
    ];
    const found = expand(source, exceptions, new Date('2026-10-12T00:00:00Z'), new Date('2026-11-03T00:00:00Z'));
    expect(found.map((o) => [o.key, o.start.toISOString(), o.moved, o.cancelled])).toEqual([
      ['2026-10-12T09:00', '2026-10-12T07:00:00.000Z', false, false],
      // 2026-10-05 is not an occurrence (the event starts on the 12th): its exception is ignored.
      ['2026-10-19T09:00', '2026-10-19T07:00:00.000Z', false, true],
      ['2026-10-26T09:00', '2026-10-26T10:00:00.000Z', true, false],
      ['2026-11-02T09:00', '2026-11-02T08:00:00.000Z', false, false],
    ]);
    expect(found[2]!.localStart).toBe('2026-10-26T11:00');
    expect(found[3]!.localEnd).toBe('2026-11-02T10:00');
  });

  it('includes an occurrence that started before the range and is still on', () => {
    const found = expand(source, [], new Date('2026-10-12T07:30:00Z'), new Date('2026-10-12T08:30:00Z'));
    expect(found.map((o) => o.key)).toEqual(['2026-10-12T09:00']);
  });

  it('finds an occurrence by its key only where the rule has one', () => {
    expect(findOccurrence(source, '2026-10-26T09:00')?.start.toISOString()).toBe('2026-10-26T08:00:00.000Z');
    expect(findOccurrence(source, '2026-10-27T09:00')).toBeNull();
    expect(findOccurrence(source, '2026-10-05T09:00')).toBeNull();
    expect(findOccurrence(source, 'garbage')).toBeNull();
  });
});

describe('vtimezone: the zone as iCalendar describes it', () => {
  it('lists each change of offset with the wall time it happens at, or one observance for a zone without changes', () => {
    const from = Temporal.Instant.from('2026-01-01T00:00:00Z');
    const to = Temporal.Instant.from('2027-01-01T00:00:00Z');
    expect(vtimezone('Europe/Berlin', from, to).split('\r\n')).toEqual([
      'BEGIN:VTIMEZONE',
      'TZID:Europe/Berlin',
      'BEGIN:DAYLIGHT',
      'DTSTART:20260329T020000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'END:DAYLIGHT',
      'BEGIN:STANDARD',
      'DTSTART:20261025T030000',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'END:STANDARD',
      'END:VTIMEZONE',
    ]);
    expect(vtimezone('Asia/Tokyo', from, to)).toBe(['BEGIN:VTIMEZONE', 'TZID:Asia/Tokyo', 'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0900', 'TZOFFSETTO:+0900', 'END:STANDARD', 'END:VTIMEZONE'].join('\r\n'));
  });
});
