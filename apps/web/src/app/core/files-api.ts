import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { FileCategory, FileInfo, FileLimits, FilePage } from '@parley/contracts';
import { Observable } from 'rxjs';

/** Page size of the Files panel. */
export const FILES_PAGE_SIZE = 30;

export interface RoomFilesQuery {
  category?: FileCategory | null;
  /** The last file of the previous page. */
  before?: string | null;
  limit?: number;
}

const file = (id: string) => `/api/files/${encodeURIComponent(id)}`;

/** /api/files and a room's files (uploads themselves go through tus: see chat/files/tus-transport.ts). */
@Injectable({ providedIn: 'root' })
export class FilesApi {
  private readonly http = inject(HttpClient);

  /** What this server accepts, and how much of my quota is used. */
  limits(): Observable<FileLimits> {
    return this.http.get<FileLimits>('/api/files/limits');
  }

  get(id: string): Observable<FileInfo> {
    return this.http.get<FileInfo>(file(id));
  }

  /** Files shared in a room, newest first. */
  roomFiles(roomId: string, query: RoomFilesQuery = {}): Observable<FilePage> {
    let params = new HttpParams().set('limit', query.limit ?? FILES_PAGE_SIZE);
    if (query.category) params = params.set('category', query.category);
    if (query.before) params = params.set('before', query.before);
    return this.http.get<FilePage>(`/api/rooms/${encodeURIComponent(roomId)}/files`, { params });
  }

  remove(id: string): Observable<void> {
    return this.http.delete<void>(file(id));
  }
}
