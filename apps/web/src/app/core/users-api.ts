import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { AVATAR_FIELD, ChangePasswordRequest, CurrentUser, Page, PublicUser, UpdateProfileRequest, UserSearchQuery } from '@parley/contracts';
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

  /** Sets your picture (multipart, the file in AVATAR_FIELD); answers with your account and its new `avatarUrl`. */
  uploadAvatar(file: Blob, fileName = 'avatar'): Observable<CurrentUser> {
    const form = new FormData();
    form.append(AVATAR_FIELD, file, fileName);
    return this.http.put<CurrentUser>('/api/users/me/avatar', form);
  }

  /** Back to the generated initials picture. */
  removeAvatar(): Observable<CurrentUser> {
    return this.http.delete<CurrentUser>('/api/users/me/avatar');
  }
}
