import type { CalendarEvent, CalendarException, EncryptedContent } from '@parley/contracts';
import type { CalendarEventEntity, CalendarExceptionEntity } from './calendar.entities';

export function toCalendarException(row: Pick<CalendarExceptionEntity, 'occurrence' | 'cancelled' | 'startLocal' | 'endLocal'>): CalendarException {
  return { occurrence: row.occurrence, cancelled: row.cancelled, start: row.startLocal, end: row.endLocal };
}

/** The stored event as members see it; `creatorName` is the creator's display name (empty when the account is gone). */
export function toCalendarEvent(row: CalendarEventEntity, exceptions: CalendarExceptionEntity[], creatorName: string): CalendarEvent {
  return {
    id: row.id,
    roomId: row.roomId,
    title: row.title,
    description: row.description,
    location: row.location,
    encrypted: row.encrypted ? (JSON.parse(row.encrypted) as EncryptedContent) : null,
    allDay: row.allDay,
    start: row.startLocal,
    end: row.endLocal,
    timeZone: row.timeZone,
    rrule: row.rrule,
    cancelled: row.cancelled,
    createdBy: { id: row.createdBy, name: creatorName },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    exceptions: exceptions
      .filter((e) => e.eventId === row.id)
      .sort((a, b) => a.occurrence.localeCompare(b.occurrence))
      .map(toCalendarException),
  };
}

/** What the database stores for an event's ciphertext: only the fields Megolm's content has, as JSON. */
export function storedCiphertext(c: EncryptedContent): string {
  return JSON.stringify({ algorithm: c.algorithm, ciphertext: c.ciphertext, senderKey: c.senderKey, senderDeviceId: c.senderDeviceId, sessionId: c.sessionId });
}
