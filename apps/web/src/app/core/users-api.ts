import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { ChangePasswordRequest, CurrentUser, Page, PublicUser, UpdateProfileRequest, UserSearchQuery } from '@parley/contracts';
import { Observable } from 'rxjs';

/** Builds query parameters from the defined values only. */
export function searchParams(query: UserSearchQuery): HttpParams {
  let params = new HttpParams();
  if (query.q) params = params.set('q', query.q);
  if (query.page !== undefined) params = params.set('page', query.page);
  if (query.pageSize !== undefined) params = params.set('pageSize', query.pageSize);
  return params;
}

/** /api/users: your own account and the user directory. */
@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly http = inject(HttpClient);

  updateProfile(body: UpdateProfileRequest): Observable<CurrentUser> {
    return this.http.patch<CurrentUser>('/api/users/me', body);
  }

  changePassword(body: ChangePasswordRequest): Observable<void> {
    return this.http.put<void>('/api/users/me/password', body);
  }

  search(query: UserSearchQuery): Observable<Page<PublicUser>> {
    return this.http.get<Page<PublicUser>>('/api/users', { params: searchParams(query) });
  }

  get(id: string): Observable<PublicUser> {
    return this.http.get<PublicUser>(`/api/users/${encodeURIComponent(id)}`);
  }
}
