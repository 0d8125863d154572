import ICAL from 'ical.js';
import { icsWithText } from './ics-text';

/** What the server writes for an encrypted room's weekly event with one moved occurrence (times only). */
const SERVER_FILE = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Parley//Calendar//EN',
  'NAME:Encrypted event',
  'X-WR-CALNAME:Encrypted event',
  'BEGIN:VEVENT',
  'UID:e1@parley',
  'DTSTAMP:20261201T100000Z',
  'DTSTART;TZID=Europe/Berlin:20261207T090000',
  'DTEND;TZID=Europe/Berlin:20261207T093000',
  'RRULE:FREQ=WEEKLY;COUNT=4',
  'SUMMARY:Encrypted event',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:e1@parley',
  'DTSTAMP:20261201T100000Z',
  'RECURRENCE-ID;TZID=Europe/Berlin:20261214T090000',
  'DTSTART;TZID=Europe/Berlin:20261214T110000',
  'DTEND;TZID=Europe/Berlin:20261214T113000',
  'SUMMARY:Encrypted event',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('icsWithText', () => {
  it('writes the decrypted text into the series and its moved occurrence, escaped and folded, times untouched', async () => {
    const description = `Agenda; budget, hiring\nSecond line ${'and a long tail '.repeat(8)} — Grüße 😀😀😀😀😀😀😀😀😀😀`;
    const out = await icsWithText(SERVER_FILE, { title: 'Board: Q4, merger; vote', description, location: 'Back office' });
    expect(out.endsWith('\r\n')).toBe(true);
    expect(out.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(out).toContain('SUMMARY:Board: Q4\\, merger\\; vote\r\n');
    const calendar = new ICAL.Component(ICAL.parse(out));
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Board: Q4, merger; vote');
    const events = calendar.getAllSubcomponents('vevent');
    expect(events.map((e) => [e.getFirstPropertyValue('summary'), e.getFirstPropertyValue('description'), e.getFirstPropertyValue('location')])).toEqual([
      ['Board: Q4, merger; vote', description, 'Back office'],
      ['Board: Q4, merger; vote', description, 'Back office'],
    ]);
    expect(String(events[0]!.getFirstPropertyValue('rrule'))).toBe('FREQ=WEEKLY;COUNT=4');
    expect(events[1]!.getFirstProperty('dtstart')!.toICALString()).toBe('DTSTART;TZID=Europe/Berlin:20261214T110000');
  });

  it('leaves out a description and location the event does not have', async () => {
    const out = await icsWithText(SERVER_FILE, { title: 'Coffee', description: '', location: '' });
    expect(out).not.toMatch(/^(DESCRIPTION|LOCATION)/m);
    expect(out.match(/^SUMMARY:Coffee\r$/gm)).toHaveLength(2);
  });
});
