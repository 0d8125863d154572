import { HttpClient, HttpHeaders, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { E2eeDevice, E2eeDeviceList, E2eeSyncResponse, RegisterDeviceRequest } from '@parley/contracts';
import { Observable, firstValueFrom } from 'rxjs';

const JSON_HEADERS = new HttpHeaders({ 'Content-Type': 'application/json' });

/**
 * /api/e2ee: this sign-in as a device, and the key traffic of the crypto library. Its requests carry their
 * bodies as JSON strings and want the answers as strings (`markRequestAsSent`), so those pass through as text.
 */
@Injectable({ providedIn: 'root' })
export class E2eeApi {
  private readonly http = inject(HttpClient);

  registerDevice(body: RegisterDeviceRequest): Promise<E2eeDevice> {
    return firstValueFrom(this.http.post<E2eeDevice>('/api/e2ee/device', body));
  }

  devices(): Observable<E2eeDeviceList> {
    return this.http.get<E2eeDeviceList>('/api/e2ee/devices');
  }

  removeDevice(deviceId: string): Observable<void> {
    return this.http.delete<void>(`/api/e2ee/devices/${encodeURIComponent(deviceId)}`);
  }

  sync(since: string | null): Promise<E2eeSyncResponse> {
    const params = since ? new HttpParams().set('since', since) : undefined;
    return firstValueFrom(this.http.get<E2eeSyncResponse>('/api/e2ee/sync', { params }));
  }

  /** A key request: `body` as the library made it, the answer as the server wrote it. */
  send(method: 'POST' | 'PUT', path: string, body: string, params?: Record<string, string>): Promise<string> {
    return firstValueFrom(
      this.http.request(method, `/api/e2ee/${path}`, { body, headers: JSON_HEADERS, responseType: 'text', params: params ? new HttpParams({ fromObject: params }) : undefined }),
    );
  }

  get(path: string, params?: Record<string, string>): Promise<string> {
    return firstValueFrom(this.http.get(`/api/e2ee/${path}`, { responseType: 'text', params: params ? new HttpParams({ fromObject: params }) : undefined }));
  }
}
