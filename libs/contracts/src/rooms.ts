import type { PublicUser } from './users';
import type { Message, MessageKind } from './messages';

export const RoomKind = {
  /** Exactly two members, one room per pair. */
  Direct: 'direct',
  /** Private: members are added by the owner or an admin, or join with an invite code. */
  Group: 'group',
  /** Listed in the directory; anyone signed in may join. */
  Public: 'public',
} as const;
export type RoomKind = (typeof RoomKind)[keyof typeof RoomKind];

export const RoomRole = {
  Owner: 'owner',
  Admin: 'admin',
  Member: 'member',
} as const;
export type RoomRole = (typeof RoomRole)[keyof typeof RoomRole];

/** The public room every new account joins. */
export const GENERAL_ROOM_SLUG = 'general';

export const ROOM_NAME_MAX_LENGTH = 80;
export const ROOM_TOPIC_MAX_LENGTH = 250;
/** Members that `POST /api/rooms` accepts at creation. */
export const ROOM_INITIAL_MEMBERS_MAX = 100;
export const INVITE_TTL_HOURS_DEFAULT = 24 * 7;
export const INVITE_TTL_HOURS_MAX = 24 * 30;
/** The most uses one invite code may allow (absent means unlimited). */
export const INVITE_MAX_USES_MAX = 1000;
/** Last-message previews in the room list are cut to about this many characters. */
export const MESSAGE_PREVIEW_MAX_LENGTH = 140;

/** A room as one of its members sees it in the room list. */
export interface RoomSummary {
  id: string;
  kind: RoomKind;
  /** For direct rooms: the other member's display name. */
  name: string;
  topic: string;
  /** `general` for the default room, null otherwise. */
  slug: string | null;
  myRole: RoomRole;
  memberCount: number;
  /** Highest message seq in the room (0 when empty). */
  lastSeq: number;
  /** Highest change revision in the room (grows with every new, edited or deleted message). */
  lastRev: number;
  /** My last read seq. */
  lastReadSeq: number;
  /** Messages from others after my last read seq that are not deleted, not system lines and not from people I blocked. */
  unreadCount: number;
  lastMessage: MessagePreview | null;
  /** Last message time, or the room's creation time when it has none: the list is sorted by it. */
  lastActivityAt: string;
  archivedAt: string | null;
  /** For direct rooms: the other member. */
  peer: PublicUser | null;
  /**
   * End-to-end encrypted: messages and files are ciphertext only the members' devices can read. Chosen when
   * the room is created and never changed.
   */
  encrypted: boolean;
  createdAt: string;
}

export interface MessagePreview {
  id: string;
  seq: number;
  senderId: string;
  senderName: string;
  /**
   * Plain text, formatting stripped, cut to about 140 characters; empty for a deleted message and for one from
   * someone you blocked. A system message's text says what happened, from your side ("Ada added Bob", "Ada added you").
   */
  text: string;
  deleted: boolean;
  /** From someone you blocked: its text is withheld (and it is not counted as unread). */
  hidden: boolean;
  /** How many files the message carries (its text names the first when the message has no words). */
  attachmentCount: number;
  /**
   * The message is end-to-end encrypted: `text` is empty and the client computes the preview from the
   * content it decrypts, with `contentPreview`.
   */
  encrypted: boolean;
  kind: MessageKind;
  createdAt: string;
}

export interface RoomDetail extends RoomSummary {
  ownerId: string | null;
}

/** A room in the public directory. */
export interface PublicRoom {
  id: string;
  name: string;
  topic: string;
  slug: string | null;
  memberCount: number;
  joined: boolean;
  lastActivityAt: string;
}

export interface RoomMember {
  user: PublicUser;
  role: RoomRole;
  joinedAt: string;
  lastReadSeq: number;
}

export interface CreateRoomRequest {
  kind: 'group' | 'public';
  name: string;
  topic?: string;
  memberIds?: string[];
  /** A group only (a public room cannot be encrypted): end-to-end encrypted, for good. */
  encrypted?: boolean;
}

export interface CreateDirectRoomRequest {
  userId: string;
  /**
   * An end-to-end encrypted conversation. A pair has at most one plain and one encrypted direct room: asking
   * again returns the one of the kind asked for.
   */
  encrypted?: boolean;
}

export interface UpdateRoomRequest {
  name?: string;
  topic?: string;
}

export interface AddMemberRequest {
  userId: string;
}

export interface ChangeRoleRequest {
  role: 'admin' | 'member';
}

export interface TransferOwnershipRequest {
  userId: string;
}

export interface CreateInviteRequest {
  /** Hours until the code stops working; default 168 (7 days), at most 720. */
  ttlHours?: number;
  /** How many people may join with it; unlimited when absent. */
  maxUses?: number;
}

export interface RoomInvite {
  code: string;
  roomId: string;
  expiresAt: string;
  maxUses: number | null;
  uses: number;
  createdAt: string;
}

/** What an invite link leads to, shown before joining (`GET /api/invites/:code`, no sign-in needed). */
export interface InvitePreview {
  room: InvitedRoom;
  expiresAt: string;
  /** Signed in: whether you are already a member. Null for a visitor who is not signed in. */
  joined: boolean | null;
}

/** A room as someone who is not (yet) a member may see it. */
export interface InvitedRoom {
  id: string;
  kind: RoomKind;
  name: string;
  topic: string;
  memberCount: number;
  encrypted: boolean;
}

/**
 * A person invited into a room by a member who may not simply add them (on a server with DM_POLICY=friends,
 * someone who is not their friend): they join only if they accept.
 */
export interface RoomInvitation {
  id: string;
  room: InvitedRoom;
  invitee: PublicUser;
  inviter: PublicUser;
  createdAt: string;
}

/** What `POST /api/rooms/:id/members` did. */
export interface AddMemberResult {
  /** `added` (201), `already_member` (200), or `invited` (202: they must accept first). */
  outcome: 'added' | 'already_member' | 'invited';
  member: RoomMember | null;
  invitation: RoomInvitation | null;
}

/** Pending invitations one member may have sent and not yet seen answered. */
export const ROOM_INVITATIONS_PENDING_MAX = 100;

/** What `POST /api/invites/:code/join` returns. */
export interface JoinedRoom {
  room: RoomSummary;
}

export interface PublicRoomQuery {
  q?: string;
  page?: number;
  pageSize?: number;
}

export type { Message };
