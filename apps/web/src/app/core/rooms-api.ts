import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import {
  AddMemberResult,
  ChangeRoleRequest,
  CreateInviteRequest,
  CreateRoomRequest,
  InvitePreview,
  JoinedRoom,
  Page,
  PublicRoom,
  RoomDetail,
  RoomInvite,
  RoomMember,
  RoomSummary,
  UpdateRoomRequest,
} from '@parley/contracts';
import { Observable } from 'rxjs';

/** Page size the public-room directory asks for. */
export const PUBLIC_ROOMS_PAGE_SIZE = 20;

const room = (id: string) => `/api/rooms/${encodeURIComponent(id)}`;
const member = (id: string, userId: string) => `${room(id)}/members/${encodeURIComponent(userId)}`;

/** /api/rooms and /api/invites: rooms, their members and invite links. */
@Injectable({ providedIn: 'root' })
export class RoomsApi {
  private readonly http = inject(HttpClient);

  /** My rooms, most recent activity first. */
  list(): Observable<RoomSummary[]> {
    return this.http.get<RoomSummary[]>('/api/rooms');
  }

  get(id: string): Observable<RoomDetail> {
    return this.http.get<RoomDetail>(room(id));
  }

  /** The public-room directory; `page` starts at 1. */
  publicRooms(q: string, page = 1, pageSize = PUBLIC_ROOMS_PAGE_SIZE): Observable<Page<PublicRoom>> {
    let params = new HttpParams().set('page', page).set('pageSize', pageSize);
    if (q.trim()) params = params.set('q', q.trim());
    return this.http.get<Page<PublicRoom>>('/api/rooms/public', { params });
  }

  create(req: CreateRoomRequest): Observable<RoomSummary> {
    return this.http.post<RoomSummary>('/api/rooms', req);
  }

  /** Opens (or returns the existing) direct room with one person. */
  /** The direct room with someone (`encrypted`: the end-to-end encrypted one, separate from the plain one). */
  direct(userId: string, encrypted = false): Observable<RoomSummary> {
    return this.http.post<RoomSummary>('/api/rooms/direct', encrypted ? { userId, encrypted } : { userId });
  }

  update(id: string, changes: UpdateRoomRequest): Observable<RoomDetail> {
    return this.http.patch<RoomDetail>(room(id), changes);
  }

  /** Joins a public room (idempotent). */
  join(id: string): Observable<RoomSummary> {
    return this.http.post<RoomSummary>(`${room(id)}/join`, null);
  }

  leave(id: string): Observable<void> {
    return this.http.post<void>(`${room(id)}/leave`, null);
  }

  members(id: string): Observable<RoomMember[]> {
    return this.http.get<RoomMember[]>(`${room(id)}/members`);
  }

  /** Adds them, or (someone you may not simply add: with DM_POLICY=friends, not your friend) invites them. */
  addMember(id: string, userId: string): Observable<AddMemberResult> {
    return this.http.post<AddMemberResult>(`${room(id)}/members`, { userId });
  }

  removeMember(id: string, userId: string): Observable<void> {
    return this.http.delete<void>(member(id, userId));
  }

  setRole(id: string, userId: string, role: ChangeRoleRequest['role']): Observable<RoomMember> {
    const body: ChangeRoleRequest = { role };
    return this.http.patch<RoomMember>(member(id, userId), body);
  }

  /** Hands ownership to another member; the old owner becomes an admin. */
  transfer(id: string, userId: string): Observable<RoomDetail> {
    return this.http.post<RoomDetail>(`${room(id)}/transfer`, { userId });
  }

  archive(id: string): Observable<RoomDetail> {
    return this.http.post<RoomDetail>(`${room(id)}/archive`, null);
  }

  unarchive(id: string): Observable<RoomDetail> {
    return this.http.post<RoomDetail>(`${room(id)}/unarchive`, null);
  }

  createInvite(id: string, req: CreateInviteRequest = {}): Observable<RoomInvite> {
    return this.http.post<RoomInvite>(`${room(id)}/invites`, req);
  }

  revokeInvite(id: string, code: string): Observable<void> {
    return this.http.delete<void>(`${room(id)}/invites/${encodeURIComponent(code)}`);
  }

  /** The room an invite code leads to, before joining (no sign-in needed). */
  previewInvite(code: string): Observable<InvitePreview> {
    return this.http.get<InvitePreview>(`/api/invites/${encodeURIComponent(code)}`);
  }

  /** Joins the room an invite code points to. */
  joinInvite(code: string): Observable<JoinedRoom> {
    return this.http.post<JoinedRoom>(`/api/invites/${encodeURIComponent(code)}/join`, null);
  }
}
