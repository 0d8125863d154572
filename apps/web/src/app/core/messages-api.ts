import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { EditMessageRequest, HistoryQuery, Message, MessagePage, SendMessageRequest } from '@parley/contracts';
import { Observable } from 'rxjs';

/** Builds the history query from the defined values only. */
export function historyParams(query: HistoryQuery): HttpParams {
  let params = new HttpParams();
  if (query.before !== undefined) params = params.set('before', query.before);
  if (query.after !== undefined) params = params.set('after', query.after);
  if (query.around !== undefined) params = params.set('around', query.around);
  if (query.limit !== undefined) params = params.set('limit', query.limit);
  return params;
}

const messages = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}/messages`;
const message = (id: string) => `/api/messages/${encodeURIComponent(id)}`;

/** Message history and changes over REST (sending goes over the socket; see ChatStore). */
@Injectable({ providedIn: 'root' })
export class MessagesApi {
  private readonly http = inject(HttpClient);

  /** A page of history in ascending seq order: the latest page without a cursor, older ones with `before`. */
  history(roomId: string, query: HistoryQuery = {}): Observable<MessagePage> {
    return this.http.get<MessagePage>(messages(roomId), { params: historyParams(query) });
  }

  send(roomId: string, body: SendMessageRequest): Observable<Message> {
    return this.http.post<Message>(messages(roomId), body);
  }

  edit(id: string, body: EditMessageRequest): Observable<Message> {
    return this.http.patch<Message>(message(id), body);
  }

  /** Deletes a message; the answer is its tombstone. */
  remove(id: string): Observable<Message> {
    return this.http.delete<Message>(message(id));
  }
}
