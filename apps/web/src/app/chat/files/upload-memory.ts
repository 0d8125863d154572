import { InjectionToken } from '@angular/core';
import { Attachment, EncryptedAttachment } from '@parley/contracts';
import { readSealedAttachments } from '../../e2ee/sealed-files/sealed-attachment';
import type { PendingUpload, WaitingMessage } from './upload-queue';

/** What the tray keeps across a reload: the files (without their bytes) and the messages waiting for them. */
export interface SavedTray {
  uploads: SavedUpload[];
  waiting: WaitingMessage[];
}

export interface SavedUpload {
  key: string;
  roomId: string;
  name: string;
  size: number;
  type: string;
  /** With name and size, how the same file is known again when it is added after the reload. */
  lastModified: number;
  /** Set once the server had it ready: nothing is left to upload. */
  attachment: Attachment | null;
  /** Set with `attachment` for a file encrypted in this browser: what its message will say of it. */
  sealed: EncryptedAttachment | null;
  sendId: string | null;
}

/** Where the tray is kept, per user (localStorage in the browser; null where there is none). */
export const UPLOAD_STORAGE = new InjectionToken<Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null>('UPLOAD_STORAGE', {
  providedIn: 'root',
  factory: () => (typeof localStorage === 'undefined' ? null : localStorage),
});

export function uploadStorageKey(userId: string): string {
  return `parley.uploads.${userId}`;
}

/** The tray as it is kept: files refused for good are left out (there is nothing to go on with). */
export function saveTray(uploads: readonly PendingUpload[], waiting: readonly WaitingMessage[]): SavedTray {
  return {
    uploads: uploads
      .filter((u) => u.status !== 'failed' || u.retryable)
      .map((u) => ({
        key: u.key,
        roomId: u.roomId,
        name: u.name,
        size: u.size,
        type: u.type,
        lastModified: u.lastModified,
        attachment: u.status === 'ready' ? u.attachment : null,
        sealed: u.status === 'ready' ? u.sealed : null,
        sendId: u.sendId,
      })),
    waiting: [...waiting],
  };
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** The kept tray; anything unreadable is dropped. */
export function readTray(raw: string | null): SavedTray {
  if (!raw) return { uploads: [], waiting: [] };
  try {
    const parsed = JSON.parse(raw) as Partial<SavedTray>;
    const uploads = (Array.isArray(parsed.uploads) ? parsed.uploads : []).filter(
      (u): u is SavedUpload => !!u && isString(u.key) && isString(u.roomId) && isString(u.name) && typeof u.size === 'number' && typeof u.lastModified === 'number',
    );
    const waiting = (Array.isArray(parsed.waiting) ? parsed.waiting : []).filter(
      (m): m is WaitingMessage => !!m && isString(m.id) && isString(m.roomId) && isString(m.body),
    );
    return {
      uploads: uploads.map((u) => ({ ...u, type: isString(u.type) ? u.type : '', attachment: u.attachment && isString(u.attachment.id) ? u.attachment : null, sealed: readSealedAttachments([u.sealed])[0] ?? null, sendId: isString(u.sendId) ? u.sendId : null })),
      waiting: waiting.map((m) => ({ ...m, replyToId: isString(m.replyToId) ? m.replyToId : null })),
    };
  } catch {
    return { uploads: [], waiting: [] };
  }
}
