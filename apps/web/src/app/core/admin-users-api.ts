import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { AdminUser, Page, UserSearchQuery } from '@parley/contracts';
import { Observable } from 'rxjs';
import { searchParams } from './users-api';

/** /api/admin/users: every account, for admins. */
@Injectable({ providedIn: 'root' })
export class AdminUsersApi {
  private readonly http = inject(HttpClient);

  list(query: UserSearchQuery): Observable<Page<AdminUser>> {
    return this.http.get<Page<AdminUser>>('/api/admin/users', { params: searchParams(query) });
  }

  deactivate(id: string): Observable<AdminUser> {
    return this.http.post<AdminUser>(`/api/admin/users/${encodeURIComponent(id)}/deactivate`, null);
  }

  reactivate(id: string): Observable<AdminUser> {
    return this.http.post<AdminUser>(`/api/admin/users/${encodeURIComponent(id)}/reactivate`, null);
  }
}
