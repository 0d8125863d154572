import { ApiException } from '../common/api-exceptions';
import { readCalendar } from './calendar-import';
import { noticeDue } from './calendar-reminders';

const ics = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');

// Outlook names zones by their Windows names and defines them in the file.
const W_EUROPE = [
  'BEGIN:VTIMEZONE',
  'TZID:W. Europe Standard Time',
  'BEGIN:STANDARD',
  'DTSTART:16010101T030000',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:16010101T020000',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
  'END:DAYLIGHT',
  'END:VTIMEZONE',
];

describe('readCalendar (ICS import)', () => {
  it('keeps an IANA zone, the rule, EXDATEs as cancelled occurrences and overrides as moved ones', () => {
    const { events, skipped } = readCalendar(
      ics(
        'BEGIN:VEVENT',
        'UID:standup@example.com',
        'DTSTAMP:20261001T000000Z',
        'SUMMARY:Stand-up',
        'DESCRIPTION:Line one\\nLine two',
        'LOCATION:Room 1',
        'DTSTART;TZID=Europe/Berlin:20261012T090000',
        'DTEND;TZID=Europe/Berlin:20261012T093000',
        'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6',
        'EXDATE;TZID=Europe/Berlin:20261026T090000',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:standup@example.com',
        'DTSTAMP:20261001T000000Z',
        'RECURRENCE-ID;TZID=Europe/Berlin:20261019T090000',
        'SUMMARY:Stand-up (moved)',
        'DTSTART;TZID=Europe/Berlin:20261020T110000',
        'DTEND;TZID=Europe/Berlin:20261020T113000',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:standup@example.com',
        'DTSTAMP:20261001T000000Z',
        'RECURRENCE-ID;TZID=Europe/Berlin:20261102T090000',
        'STATUS:CANCELLED',
        'DTSTART;TZID=Europe/Berlin:20261102T090000',
        'END:VEVENT',
      ),
      'America/New_York',
    );
    expect(skipped).toEqual([]);
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(e).toMatchObject({ title: 'Stand-up', description: 'Line one\nLine two', location: 'Room 1' });
    expect(e!.schedule).toMatchObject({ allDay: false, start: '2026-10-12T09:00', end: '2026-10-12T09:30', timeZone: 'Europe/Berlin', rrule: 'FREQ=WEEKLY;COUNT=6;BYDAY=MO' });
    expect(e!.exceptions.sort((a, b) => a.occurrence.localeCompare(b.occurrence))).toEqual([
      { occurrence: '2026-10-19T09:00', cancelled: false, startLocal: '2026-10-20T11:00', endLocal: '2026-10-20T11:30' },
      { occurrence: '2026-10-26T09:00', cancelled: true, startLocal: null, endLocal: null },
      { occurrence: '2026-11-02T09:00', cancelled: true, startLocal: null, endLocal: null },
    ]);
  });

  it('places a zone known only by the file\u2019s VTIMEZONE, and UTC times, in the importer\u2019s zone', () => {
    const { events } = readCalendar(
      ics(
        ...W_EUROPE,
        'BEGIN:VEVENT',
        'UID:a',
        'DTSTAMP:20261001T000000Z',
        'SUMMARY:Outlook meeting',
        'DTSTART;TZID=W. Europe Standard Time:20261030T150000',
        'DTEND;TZID=W. Europe Standard Time:20261030T160000',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:b',
        'DTSTAMP:20261001T000000Z',
        'SUMMARY:In UTC',
        'DTSTART:20261102T140000Z',
        'DURATION:PT45M',
        'END:VEVENT',
      ),
      'Europe/London',
    );
    // On 30 October (after the end of summer time) 15:00 in Berlin (UTC+1) is 14:00 in London (UTC+0).
    expect(events.map((e) => [e.title, e.schedule.timeZone, e.schedule.start, e.schedule.end])).toEqual([
      ['Outlook meeting', 'Europe/London', '2026-10-30T14:00', '2026-10-30T15:00'],
      ['In UTC', 'Europe/London', '2026-11-02T14:00', '2026-11-02T14:45'],
    ]);
  });

  it('takes all-day events, and lists what it cannot take with the reason', () => {
    const { events, skipped } = readCalendar(
      ics(
        'BEGIN:VEVENT',
        'UID:holiday',
        'DTSTAMP:20261001T000000Z',
        'SUMMARY:Holiday',
        'DTSTART;VALUE=DATE:20261224',
        'DTEND;VALUE=DATE:20261227',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:hourly',
        'DTSTAMP:20261001T000000Z',
        'SUMMARY:Every hour',
        'DTSTART:20261001T090000Z',
        'RRULE:FREQ=HOURLY',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:gone',
        'DTSTAMP:20261001T000000Z',
        'SUMMARY:Called off',
        'STATUS:CANCELLED',
        'DTSTART:20261001T090000Z',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:nostart',
        'DTSTAMP:20261001T000000Z',
        'SUMMARY:\u202eNo start',
        'END:VEVENT',
      ),
      'UTC',
    );
    expect(events.map((e) => [e.title, e.schedule.allDay, e.schedule.start, e.schedule.end])).toEqual([['Holiday', true, '2026-12-24', '2026-12-27']]);
    expect(skipped).toEqual([
      { uid: 'hourly', summary: 'Every hour', reason: 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY' },
      { uid: 'gone', summary: 'Called off', reason: 'The event is cancelled in the file' },
      { uid: 'nostart', summary: 'No start', reason: 'The event has no start (DTSTART)' },
    ]);
  });

  it('refuses what is not iCalendar with a 400 naming the body', () => {
    for (const text of ['hello', '{"ics": true}', 'BEGIN:VCARD\r\nEND:VCARD\r\n', ics()]) {
      let thrown: unknown;
      try {
        readCalendar(text, 'UTC');
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ApiException);
      expect((thrown as ApiException).details?.[0]?.field).toBe('body');
    }
  });
});

describe('noticeDue (which notice one person gets at a moment)', () => {
  const start = new Date('2026-10-26T08:00:00Z');
  const o = { start, end: new Date('2026-10-26T08:30:00Z') };
  const at = (minutesFromStart: number) => new Date(start.getTime() + minutesFromStart * 60_000);

  it('reminds from the lead time until the start, late ones too', () => {
    expect(noticeDue(o, 15, null, at(-16))).toBeNull();
    expect(noticeDue(o, 15, null, at(-15))).toBe('reminder');
    expect(noticeDue(o, 15, 'going', at(-1))).toBe('reminder');
    expect(noticeDue(o, 0, null, at(-1))).toBeNull();
  });

  it('says "starting now" only to those going or maybe, for a while after the start', () => {
    expect(noticeDue(o, 15, 'going', at(0))).toBe('starting');
    expect(noticeDue(o, 15, 'maybe', at(14))).toBe('starting');
    expect(noticeDue(o, 15, 'going', at(15))).toBeNull();
    expect(noticeDue(o, 15, null, at(1))).toBeNull();
    // A reminder set for the start itself already said so.
    expect(noticeDue(o, 0, 'going', at(0))).toBeNull();
    expect(noticeDue({ start, end: at(5) }, 15, 'going', at(6))).toBeNull();
  });
});
