import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { AccessToken, CreateAccessTokenRequest, CreatedAccessToken } from '@parley/contracts';
import { Observable } from 'rxjs';

/** /api/auth/tokens: personal access tokens for integrations. */
@Injectable({ providedIn: 'root' })
export class AccessTokensApi {
  private readonly http = inject(HttpClient);

  list(): Observable<AccessToken[]> {
    return this.http.get<AccessToken[]>('/api/auth/tokens');
  }

  create(body: CreateAccessTokenRequest): Observable<CreatedAccessToken> {
    return this.http.post<CreatedAccessToken>('/api/auth/tokens', body);
  }

  revoke(id: string): Observable<void> {
    return this.http.delete<void>(`/api/auth/tokens/${encodeURIComponent(id)}`);
  }
}
