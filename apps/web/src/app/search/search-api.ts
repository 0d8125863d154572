import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { SearchPage, SearchQuery } from '@parley/contracts';
import { Observable } from 'rxjs';

/** `GET /api/search`: messages in my rooms, newest first. */
@Injectable({ providedIn: 'root' })
export class SearchApi {
  private readonly http = inject(HttpClient);

  search(query: SearchQuery): Observable<SearchPage> {
    let params = new HttpParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params = params.set(key, value as string | number);
    }
    return this.http.get<SearchPage>('/api/search', { params });
  }
}
