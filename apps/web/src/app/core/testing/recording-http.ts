import { HttpParams } from '@angular/common/http';
import { Observable, of } from 'rxjs';

export interface Sent {
  method: string;
  url: string;
  body?: unknown;
  query?: string;
}

/** An HttpClient stand-in that records each request (with its query string) and answers `{ ok: true }`. */
export function recordingHttp(sent: Sent[]) {
  const answer = (method: string) => (url: string, ...rest: unknown[]): Observable<unknown> => {
    const hasBody = method === 'POST' || method === 'PATCH' || method === 'PUT';
    const body = hasBody ? rest[0] : undefined;
    const options = (hasBody ? rest[1] : rest[0]) as { params?: HttpParams } | undefined;
    sent.push({ method, url, ...(hasBody ? { body } : {}), ...(options?.params ? { query: options.params.toString() } : {}) });
    return of({ ok: true });
  };
  return { get: answer('GET'), post: answer('POST'), patch: answer('PATCH'), put: answer('PUT'), delete: answer('DELETE') };
}
