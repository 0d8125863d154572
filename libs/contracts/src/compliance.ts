/** Where a compliance export is. */
export const ComplianceExportStatus = {
  Queued: 'queued',
  Running: 'running',
  Done: 'done',
  Failed: 'failed',
} as const;
export type ComplianceExportStatus = (typeof ComplianceExportStatus)[keyof typeof ComplianceExportStatus];

/** At most this many rooms or people may be named in one export (leave them out for all). */
export const COMPLIANCE_EXPORT_IDS_MAX = 100;

export interface CreateComplianceExportRequest {
  /** ISO 8601; the range is [from, to). */
  from: string;
  to: string;
  /** Only these rooms; all rooms when left out. */
  roomIds?: string[];
  /** Only messages these people sent; everyone's when left out. */
  userIds?: string[];
  /** Put the files the messages carry in the zip (default true). */
  includeFiles?: boolean;
}

export interface ComplianceExport {
  id: string;
  requestedBy: { id: string; name: string };
  from: string;
  to: string;
  roomIds: string[] | null;
  userIds: string[] | null;
  includeFiles: boolean;
  status: ComplianceExportStatus;
  /** Rooms to go through, rooms done, and what was written so far. */
  progress: { rooms: number; roomsDone: number; messages: number; files: number };
  /** The zip's size in bytes, once done. */
  size: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** What the audit log records. */
export const AuditAction = {
  ComplianceExportRequested: 'compliance_export.requested',
  ComplianceExportDownloaded: 'compliance_export.downloaded',
  TranscriptExported: 'transcript.exported',
  RetentionPolicyChanged: 'retention.policy_changed',
  RetentionRoomChanged: 'retention.room_changed',
  RetentionRun: 'retention.run',
  LegalHoldAdded: 'legal_hold.added',
  LegalHoldLifted: 'legal_hold.lifted',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** One line of the audit log: who did what, when. */
export interface AuditEntry {
  id: string;
  actor: { id: string; name: string };
  action: AuditAction;
  /** What it was about (ids, ranges, counts), as recorded. */
  details: Record<string, unknown>;
  createdAt: string;
}
