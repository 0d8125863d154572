import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import {
  CalendarEvent,
  CalendarException,
  CalendarRange,
  ChangeOccurrenceRequest,
  CreateCalendarEventRequest,
  EventReminderRequest,
  RsvpStatus,
  UpdateCalendarEventRequest,
} from '@parley/contracts';
import { Observable } from 'rxjs';

const room = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}/events`;
const event = (roomId: string, eventId: string) => `${room(roomId)}/${encodeURIComponent(eventId)}`;
const occurrence = (roomId: string, eventId: string, key: string) => `${event(roomId, eventId)}/occurrences/${encodeURIComponent(key)}`;

/** The room calendar's REST API (docs/calendar.md). */
@Injectable({ providedIn: 'root' })
export class CalendarApi {
  private readonly http = inject(HttpClient);

  /** Every room of mine, or one room, over [from, to) (instants). */
  range(from: Date, to: Date, roomId: string | null): Observable<CalendarRange> {
    const params = { from: from.toISOString(), to: to.toISOString() };
    return this.http.get<CalendarRange>(roomId ? room(roomId) : '/api/calendar', { params });
  }

  get(roomId: string, eventId: string): Observable<CalendarEvent> {
    return this.http.get<CalendarEvent>(event(roomId, eventId));
  }

  create(roomId: string, request: CreateCalendarEventRequest): Observable<CalendarEvent> {
    return this.http.post<CalendarEvent>(room(roomId), request);
  }

  update(roomId: string, eventId: string, request: UpdateCalendarEventRequest): Observable<CalendarEvent> {
    return this.http.patch<CalendarEvent>(event(roomId, eventId), request);
  }

  cancel(roomId: string, eventId: string): Observable<CalendarEvent> {
    return this.http.post<CalendarEvent>(`${event(roomId, eventId)}/cancel`, null);
  }

  changeOccurrence(roomId: string, eventId: string, key: string, change: ChangeOccurrenceRequest): Observable<CalendarException> {
    return this.http.put<CalendarException>(occurrence(roomId, eventId, key), change);
  }

  restoreOccurrence(roomId: string, eventId: string, key: string): Observable<void> {
    return this.http.delete<void>(occurrence(roomId, eventId, key));
  }

  rsvp(roomId: string, eventId: string, key: string, status: RsvpStatus | null): Observable<void> {
    const url = `${occurrence(roomId, eventId, key)}/rsvp`;
    return status ? this.http.put<void>(url, { status }) : this.http.delete<void>(url);
  }

  /** My reminder for the event: minutes, null for none, or `'default'` to follow my settings again. */
  setReminder(roomId: string, eventId: string, minutes: number | null | 'default'): Observable<unknown> {
    const url = `${event(roomId, eventId)}/reminder`;
    return minutes === 'default' ? this.http.delete<void>(url) : this.http.put<EventReminderRequest>(url, { minutes });
  }

  /** The event's .ics file (not in encrypted rooms: the server cannot read their text). */
  ics(roomId: string, eventId: string): Observable<Blob> {
    return this.http.get(`${event(roomId, eventId)}/ics`, { responseType: 'blob' });
  }
}
