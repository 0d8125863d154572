import { listTime } from '../chat/room-list/list-time';
import { localTime } from './local-time';

// Local times (Jest runs in the machine's time zone, like the browser).
const sixAm = new Date(2025, 0, 15, 6, 0);
const laterThatDay = new Date(2025, 0, 15, 18, 30);

describe('localTime', () => {
  it("writes a clock time as the user's locale does", () => {
    expect(localTime(sixAm, 'time', 'en-US')).toMatch(/^6:00\sAM$/u);
    expect(localTime(sixAm, 'time', 'en-GB')).toBe('06:00');
    expect(localTime(sixAm.toISOString(), 'time', 'de-DE')).toBe('06:00');
  });

  it('writes dates with and without the time', () => {
    expect(localTime(sixAm, 'date', 'en-US')).toBe('Jan 15, 2025');
    expect(localTime(sixAm, 'dateTime', 'en-US')).toMatch(/^Jan 15, 2025, 6:00\sAM$/u);
    expect(localTime(sixAm, 'full', 'en-US')).toMatch(/^Wednesday, January 15, 2025 at 6:00\sAM$/u);
  });

  it('writes nothing for a missing or invalid date', () => {
    expect(localTime(null, 'time')).toBe('');
    expect(localTime('not a date', 'time')).toBe('');
  });
});

describe('listTime', () => {
  it("shows today's messages at the same time as their bubbles do, in every locale", () => {
    for (const locale of ['en-US', 'en-GB', 'de-DE', 'ja-JP']) {
      expect(listTime(sixAm.toISOString(), laterThatDay, locale)).toBe(localTime(sixAm, 'time', locale));
    }
  });

  it('shows older activity as a day or a date', () => {
    const nextWeek = new Date(2025, 0, 22, 9, 0);
    expect(listTime(sixAm.toISOString(), new Date(2025, 0, 16, 9, 0), 'en-US')).toBe('Yesterday');
    expect(listTime(sixAm.toISOString(), new Date(2025, 0, 18, 9, 0), 'en-US')).toBe('Wed');
    expect(listTime(sixAm.toISOString(), nextWeek, 'en-US')).toBe('Jan 15');
  });
});
