import { CalendarNotice } from '@parley/contracts';
import { noticeWords, startsIn } from './notice-wording';

const notice = (over: Partial<CalendarNotice> = {}): CalendarNotice => ({
  id: 'n1',
  kind: 'reminder',
  roomId: 'r1',
  roomName: 'Planning',
  eventId: 'e1',
  occurrence: '2026-10-26T09:00',
  title: 'Stand-up',
  allDay: false,
  timeZone: 'Europe/Berlin',
  start: '2026-10-26T08:00:00.000Z',
  end: '2026-10-26T08:30:00.000Z',
  minutesBefore: 15,
  at: '2026-10-26T07:45:00.000Z',
  dismissedAt: null,
  ...over,
});

describe('calendar notice wording', () => {
  const start = new Date('2026-10-26T08:00:00Z');
  const before = (minutes: number, seconds = 0) => new Date(start.getTime() - minutes * 60_000 - seconds * 1000);

  it('counts down in whole minutes, rounded up', () => {
    expect(startsIn(start, before(15))).toBe('in 15 minutes');
    expect(startsIn(start, before(0, 20))).toBe('in 1 minute');
    expect(startsIn(start, before(90))).toBe('in 1 hour 30 minutes');
    expect(startsIn(start, before(120))).toBe('in 2 hours');
    expect(startsIn(start, before(3 * 1440))).toBe('in 3 days');
    expect(startsIn(start, start)).toBe('now');
  });

  it('says what a reminder, "starting now" and a cancellation mean, in the viewer\u2019s zone', () => {
    expect(noticeWords(notice(), before(15), undefined, 'en-GB', 'Europe/Berlin')).toEqual({ title: 'Stand-up', body: 'Starts in 15 minutes (09:00) · Planning' });
    expect(noticeWords(notice(), before(15), undefined, 'en-GB', 'America/New_York').body).toBe('Starts in 15 minutes (04:00) · Planning');
    expect(noticeWords(notice({ kind: 'starting', minutesBefore: null }), start, undefined, 'en-GB', 'Europe/Berlin')).toEqual({ title: 'Stand-up', body: 'Starting now · Planning' });
    expect(noticeWords(notice({ kind: 'cancelled', minutesBefore: null }), before(60), undefined, 'en-GB', 'Europe/Berlin')).toEqual({
      title: 'Cancelled: Stand-up',
      body: 'Mon 26 Oct, 09:00 · Planning',
    });
  });

  it('names an encrypted event by its decrypted title, or says it is encrypted', () => {
    expect(noticeWords(notice({ title: '' }), before(5), undefined, 'en-GB', 'UTC').title).toBe('Encrypted event');
    expect(noticeWords(notice({ title: '' }), before(5), 'Board meeting', 'en-GB', 'UTC').title).toBe('Board meeting');
  });

  it('gives an all-day event its date in its own zone', () => {
    const allDay = notice({ allDay: true, timeZone: 'Asia/Tokyo', start: '2026-10-19T15:00:00.000Z', end: '2026-10-21T15:00:00.000Z', occurrence: '2026-10-20' });
    expect(noticeWords(allDay, new Date('2026-10-19T14:45:00Z'), undefined, 'en-GB', 'Europe/London').body).toBe('Tue 20 Oct · Planning');
  });
});
