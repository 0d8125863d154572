import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { CalendarFeed, CalendarFeedStatus, CalendarImportResult, CalendarSettings } from '@parley/contracts';
import { Observable } from 'rxjs';

/** My calendar settings, my subscription feed, and importing .ics files (`/api/calendar/...`). */
@Injectable({ providedIn: 'root' })
export class CalendarSettingsApi {
  private readonly http = inject(HttpClient);

  settings(): Observable<CalendarSettings> {
    return this.http.get<CalendarSettings>('/api/calendar/settings');
  }

  saveSettings(settings: CalendarSettings): Observable<CalendarSettings> {
    return this.http.put<CalendarSettings>('/api/calendar/settings', settings);
  }

  feedStatus(): Observable<CalendarFeedStatus> {
    return this.http.get<CalendarFeedStatus>('/api/calendar/feed');
  }

  createFeed(): Observable<CalendarFeed> {
    return this.http.post<CalendarFeed>('/api/calendar/feed', null);
  }

  revokeFeed(): Observable<void> {
    return this.http.delete<void>('/api/calendar/feed');
  }

  /** Sends the file's text as it is (text/calendar); times without a zone of their own are placed in `timeZone`. */
  importFile(roomId: string, text: string, timeZone: string): Observable<CalendarImportResult> {
    return this.http.post<CalendarImportResult>(`/api/rooms/${encodeURIComponent(roomId)}/events/import`, text, {
      params: { timeZone },
      headers: { 'Content-Type': 'text/calendar' },
    });
  }
}
