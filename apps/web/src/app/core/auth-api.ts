import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { CurrentUser, LoginRequest, LoginResponse, RegisterRequest } from '@parley/contracts';
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

  me(): Observable<CurrentUser> {
    return this.http.get<CurrentUser>('/api/auth/me');
  }
}
