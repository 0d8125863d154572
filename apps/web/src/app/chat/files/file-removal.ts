import { CurrentUser, FileInfo, FileStatus, RoomRole, RoomSummary, UserRole } from '@parley/contracts';

/** Who is looking: the signed-in person, and the room as they know it (null when they are not a member). */
export interface FileRemover {
  me: Pick<CurrentUser, 'id' | 'role'> | null;
  room: Pick<RoomSummary, 'myRole' | 'archivedAt'> | null;
}

/**
 * Whether to offer "Remove" for a file, by the server's rule for `DELETE /api/files/:id` (the server still
 * decides): its uploader may, and for a file a message carries the room's owner and admins and any app admin.
 * Someone who is no longer a member may not remove what they uploaded, and nobody changes an archived room.
 */
export function mayRemoveFile(file: Pick<FileInfo, 'uploaderId' | 'status'>, { me, room }: FileRemover): boolean {
  if (!me) return false;
  const appAdmin = me.role === UserRole.Admin;
  const own = file.uploaderId === me.id;
  // Not sent yet: only its uploader's (and an app admin's); no message changes, so the room may be archived.
  if (file.status !== FileStatus.Attached) return own || appAdmin;
  if (room?.archivedAt) return false;
  if (appAdmin) return true;
  if (!room) return false;
  return own || room.myRole === RoomRole.Owner || room.myRole === RoomRole.Admin;
}
