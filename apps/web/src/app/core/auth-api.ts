import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { AuthSession, CurrentUser, LoginRequest, LoginResponse, RegisterRequest, SessionInfo } from '@parley/contracts';
import { Observable } from 'rxjs';

/** /api/auth: accounts and sessions. */
@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly http = inject(HttpClient);

  register(body: RegisterRequest): Observable<CurrentUser> {
    return this.http.post<CurrentUser>('/api/auth/register', body);
  }

  login(body: LoginRequest): Observable<LoginResponse> {
    return this.http.post<LoginResponse>('/api/auth/login', body);
  }

  logout(): Observable<void> {
    return this.http.post<void>('/api/auth/logout', null);
  }

  logoutEverywhere(): Observable<void> {
    return this.http.post<void>('/api/auth/logout-all', null);
  }

  /** Who is signed in (or null: never a 401) and whether sign-up is open. */
  session(): Observable<AuthSession> {
    return this.http.get<AuthSession>('/api/auth/session');
  }

  sessions(): Observable<SessionInfo[]> {
    return this.http.get<SessionInfo[]>('/api/auth/sessions');
  }

  endSession(id: string): Observable<void> {
    return this.http.delete<void>(`/api/auth/sessions/${encodeURIComponent(id)}`);
  }
}
