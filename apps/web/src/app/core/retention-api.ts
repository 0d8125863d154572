import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import {
  CreateLegalHoldRequest,
  LegalHold,
  RetentionPolicy,
  RetentionReport,
  RetentionRoomChoice,
  UpdateRetentionPolicyRequest,
} from '@parley/contracts';
import { Observable } from 'rxjs';

const BASE = '/api/admin/retention';

/** /api/admin/retention: retention policies, rooms' own periods, legal holds, the dry run and a pass (admins). */
@Injectable({ providedIn: 'root' })
export class RetentionApi {
  private readonly http = inject(HttpClient);

  policy(): Observable<RetentionPolicy> {
    return this.http.get<RetentionPolicy>(BASE);
  }

  setPolicy(body: UpdateRetentionPolicyRequest): Observable<RetentionPolicy> {
    return this.http.put<RetentionPolicy>(BASE, body);
  }

  setRoom(roomId: string, days: number | null): Observable<RetentionPolicy> {
    return this.http.put<RetentionPolicy>(`${BASE}/rooms/${encodeURIComponent(roomId)}`, { days });
  }

  clearRoom(roomId: string): Observable<RetentionPolicy> {
    return this.http.delete<RetentionPolicy>(`${BASE}/rooms/${encodeURIComponent(roomId)}`);
  }

  rooms(q: string): Observable<RetentionRoomChoice[]> {
    return this.http.get<RetentionRoomChoice[]>(`${BASE}/rooms`, { params: { q } });
  }

  addHold(body: CreateLegalHoldRequest): Observable<LegalHold> {
    return this.http.post<LegalHold>(`${BASE}/holds`, body);
  }

  removeHold(id: string): Observable<void> {
    return this.http.delete<void>(`${BASE}/holds/${encodeURIComponent(id)}`);
  }

  preview(): Observable<RetentionReport> {
    return this.http.get<RetentionReport>(`${BASE}/preview`);
  }

  run(): Observable<RetentionReport> {
    return this.http.post<RetentionReport>(`${BASE}/run`, null);
  }
}
