/** The longest retention period an admin can set, in days (about 100 years). */
export const RETENTION_DAYS_MAX = 36_500;
/** The longest reason a legal hold may carry. */
export const LEGAL_HOLD_REASON_MAX_LENGTH = 500;

/** Whom a legal hold keeps: every message a user sent, or everything in a room. */
export const LegalHoldKind = { User: 'user', Room: 'room' } as const;
export type LegalHoldKind = (typeof LegalHoldKind)[keyof typeof LegalHoldKind];

export interface LegalHold {
  id: string;
  kind: LegalHoldKind;
  targetId: string;
  /** The user's display name or the room's name, when it still exists. */
  targetName: string;
  reason: string;
  createdAt: string;
  createdBy: { id: string; name: string };
}

/** A room's own retention, overriding the global policy: a period in days, or `null` to keep everything. */
export interface RoomRetention {
  roomId: string;
  roomName: string;
  days: number | null;
}

/** The installation's retention settings. Nothing is deleted while `enabled` is false. */
export interface RetentionPolicy {
  enabled: boolean;
  /** Messages (and their files) older than this many days go; `null`: none do, except by a room's own period. */
  days: number | null;
  rooms: RoomRetention[];
  holds: LegalHold[];
  /** When the last pass ran and what it removed (null before the first). */
  lastRun: RetentionReport | null;
}

export interface UpdateRetentionPolicyRequest {
  enabled: boolean;
  days: number | null;
}

export interface SetRoomRetentionRequest {
  days: number | null;
}

export interface CreateLegalHoldRequest {
  kind: LegalHoldKind;
  targetId: string;
  reason: string;
}

/** A room as the retention page picks it (for a room's own period or a hold). */
export interface RetentionRoomChoice {
  id: string;
  name: string;
  kind: string;
  archived: boolean;
}

/** What a retention pass removes (or, as a dry run, would remove now), per room. */
export interface RetentionReport {
  dryRun: boolean;
  at: string;
  messages: number;
  files: number;
  rooms: { roomId: string; roomName: string; days: number; cutoff: string; messages: number; files: number }[];
  /** Rooms left alone because of a legal hold. */
  heldRooms: number;
}
