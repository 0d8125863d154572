import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { AuditEntry, ComplianceExport, CreateComplianceExportRequest } from '@parley/contracts';
import { Observable } from 'rxjs';

/** /api/admin/exports and /api/admin/audit: compliance exports and the audit log (admins). */
@Injectable({ providedIn: 'root' })
export class RecordsApi {
  private readonly http = inject(HttpClient);

  exports(): Observable<ComplianceExport[]> {
    return this.http.get<ComplianceExport[]>('/api/admin/exports');
  }

  createExport(body: CreateComplianceExportRequest): Observable<ComplianceExport> {
    return this.http.post<ComplianceExport>('/api/admin/exports', body);
  }

  /** The zip's address (a plain download: the session cookie goes with it). */
  downloadUrl(id: string): string {
    return `/api/admin/exports/${encodeURIComponent(id)}/download`;
  }

  audit(limit: number, before?: string): Observable<AuditEntry[]> {
    return this.http.get<AuditEntry[]>('/api/admin/audit', { params: before ? { limit, before } : { limit } });
  }
}
