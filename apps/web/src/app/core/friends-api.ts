import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { BlockedUser, Friend, FriendRequestList, SendFriendRequestRequest, SendFriendRequestResult } from '@parley/contracts';
import { Observable } from 'rxjs';

const request = (id: string) => `/api/friends/requests/${encodeURIComponent(id)}`;
const block = (userId: string) => `/api/blocks/${encodeURIComponent(userId)}`;

/** /api/friends and /api/blocks: your friends, the requests between you and others, and who you blocked. */
@Injectable({ providedIn: 'root' })
export class FriendsApi {
  private readonly http = inject(HttpClient);

  /** Every friend with their presence, by name. */
  list(): Observable<Friend[]> {
    return this.http.get<Friend[]>('/api/friends');
  }

  /** Pending requests: sent to you (`incoming`) and by you (`outgoing`), newest first. */
  requests(): Observable<FriendRequestList> {
    return this.http.get<FriendRequestList>('/api/friends/requests');
  }

  /** Asks to be friends; if they had already asked you, you are friends at once (`outcome: friends`). */
  sendRequest(userId: string): Observable<SendFriendRequestResult> {
    const body: SendFriendRequestRequest = { userId };
    return this.http.post<SendFriendRequestResult>('/api/friends/requests', body);
  }

  accept(requestId: string): Observable<Friend> {
    return this.http.post<Friend>(`${request(requestId)}/accept`, null);
  }

  decline(requestId: string): Observable<void> {
    return this.http.post<void>(`${request(requestId)}/decline`, null);
  }

  /** Withdraws a request you sent. */
  cancel(requestId: string): Observable<void> {
    return this.http.delete<void>(request(requestId));
  }

  unfriend(userId: string): Observable<void> {
    return this.http.delete<void>(`/api/friends/${encodeURIComponent(userId)}`);
  }

  /** Users you blocked, most recent first. */
  blocked(): Observable<BlockedUser[]> {
    return this.http.get<BlockedUser[]>('/api/blocks');
  }

  /** Ends any friendship and pending request with them, too. */
  block(userId: string): Observable<BlockedUser> {
    return this.http.post<BlockedUser>(block(userId), null);
  }

  unblock(userId: string): Observable<void> {
    return this.http.delete<void>(block(userId));
  }
}
