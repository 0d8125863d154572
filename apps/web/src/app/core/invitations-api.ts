import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { JoinedRoom, RoomInvitation } from '@parley/contracts';
import { Observable } from 'rxjs';

const invitation = (id: string) => `/api/invitations/${encodeURIComponent(id)}`;
const roomInvitations = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}/invitations`;

/**
 * /api/invitations and /api/rooms/:id/invitations: people invited into a room who join only if they accept
 * (not invite links: those are RoomsApi's).
 */
@Injectable({ providedIn: 'root' })
export class InvitationsApi {
  private readonly http = inject(HttpClient);

  /** Rooms I was invited into and have not answered yet, newest first. */
  mine(): Observable<RoomInvitation[]> {
    return this.http.get<RoomInvitation[]>('/api/invitations');
  }

  /** I join the room. */
  accept(id: string): Observable<JoinedRoom> {
    return this.http.post<JoinedRoom>(`${invitation(id)}/accept`, null);
  }

  decline(id: string): Observable<void> {
    return this.http.post<void>(`${invitation(id)}/decline`, null);
  }

  /** People invited into a room who have not answered yet (any member may look). */
  forRoom(roomId: string): Observable<RoomInvitation[]> {
    return this.http.get<RoomInvitation[]>(roomInvitations(roomId));
  }

  /** By whoever invited them, or the room's owner and admins. */
  withdraw(roomId: string, id: string): Observable<void> {
    return this.http.delete<void>(`${roomInvitations(roomId)}/${encodeURIComponent(id)}`);
  }
}
