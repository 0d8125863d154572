import { CalendarNotice } from '@parley/contracts';

/** A notice in words: the title (an encrypted event's when the device has not decrypted it) and one line under it. */
export interface NoticeWords {
  title: string;
  body: string;
}

const minute = 60_000;

/** "in 15 minutes", "in 1 hour 30 minutes", "now"; whole minutes, rounded up so a reminder never says less than is left. */
export function startsIn(start: Date, now: Date): string {
  const minutes = Math.ceil((start.getTime() - now.getTime()) / minute);
  if (minutes <= 0) return 'now';
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours >= 48) return `in ${Math.round(hours / 24)} days`;
  return `in ${hours} hour${hours === 1 ? '' : 's'}${rest ? ` ${rest} minute${rest === 1 ? '' : 's'}` : ''}`;
}

/** When an occurrence is, in the viewer's zone: "Mon 26 Oct, 09:00" (or just the date for all-day events). */
export function whenText(notice: Pick<CalendarNotice, 'start' | 'allDay' | 'timeZone'>, locale?: string, viewerZone?: string): string {
  const start = new Date(notice.start);
  if (notice.allDay) {
    // An all-day occurrence is a date in the event's own zone.
    return new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: notice.timeZone }).format(start);
  }
  return new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: viewerZone }).format(start);
}

/** What a reminder, "starting now" or cancellation says. `title` overrides the notice's (a decrypted one). */
export function noticeWords(notice: CalendarNotice, now: Date, title?: string, locale?: string, viewerZone?: string): NoticeWords {
  const name = title || notice.title || 'Encrypted event';
  const where = notice.roomName ? ` · ${notice.roomName}` : '';
  switch (notice.kind) {
    case 'reminder': {
      const start = new Date(notice.start);
      const time = notice.allDay ? whenText(notice, locale, viewerZone) : new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone: viewerZone }).format(start);
      const lead = start.getTime() > now.getTime() ? `Starts ${startsIn(start, now)}` : 'Started';
      return { title: name, body: notice.allDay ? `${time}${where}` : `${lead} (${time})${where}` };
    }
    case 'starting':
      return { title: name, body: `Starting now${where}` };
    case 'cancelled':
      return { title: `Cancelled: ${name}`, body: `${whenText(notice, locale, viewerZone)}${where}` };
  }
}
