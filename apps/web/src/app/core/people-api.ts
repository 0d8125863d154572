import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Page, Person, UserSearchQuery } from '@parley/contracts';
import { Observable } from 'rxjs';
import { searchParams } from './users-api';

/** /api/people: the user directory with how each person stands to you and whether you may message them. */
@Injectable({ providedIn: 'root' })
export class PeopleApi {
  private readonly http = inject(HttpClient);

  /** Part of a username or display name, or a whole email address; by username. */
  search(query: UserSearchQuery): Observable<Page<Person>> {
    return this.http.get<Page<Person>>('/api/people', { params: searchParams(query) });
  }
}
