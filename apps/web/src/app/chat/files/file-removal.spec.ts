import { FileStatus, RoomRole, UserRole } from '@parley/contracts';
import { FileRemover, mayRemoveFile } from './file-removal';

const UPLOADER = 'user-uploader';
const OTHER = 'user-other';

const sharedFile = (uploaderId = UPLOADER) => ({ uploaderId, status: FileStatus.Attached });
const viewer = (id: string, overrides: { appAdmin?: boolean; myRole?: RoomRole; archivedAt?: string | null; member?: boolean } = {}): FileRemover => ({
  me: { id, role: overrides.appAdmin ? UserRole.Admin : UserRole.Member },
  room: overrides.member === false ? null : { myRole: overrides.myRole ?? RoomRole.Member, archivedAt: overrides.archivedAt ?? null },
});

describe('who is offered to remove a file', () => {
  it('offers it to the person who uploaded it', () => {
    expect(mayRemoveFile(sharedFile(), viewer(UPLOADER))).toBe(true);
  });

  it('does not offer it to a plain member for someone else\u2019s file', () => {
    expect(mayRemoveFile(sharedFile(), viewer(OTHER))).toBe(false);
  });

  it('offers it to the room\u2019s owner and admins for anyone\u2019s file', () => {
    expect(mayRemoveFile(sharedFile(), viewer(OTHER, { myRole: RoomRole.Owner }))).toBe(true);
    expect(mayRemoveFile(sharedFile(), viewer(OTHER, { myRole: RoomRole.Admin }))).toBe(true);
  });

  it('offers it to an app admin in any room, also one they are not in', () => {
    expect(mayRemoveFile(sharedFile(), viewer(OTHER, { appAdmin: true }))).toBe(true);
    expect(mayRemoveFile(sharedFile(), viewer(OTHER, { appAdmin: true, member: false }))).toBe(true);
  });

  it('does not offer it to an uploader who has left the room', () => {
    expect(mayRemoveFile(sharedFile(), viewer(UPLOADER, { member: false }))).toBe(false);
  });

  it('offers it to nobody in an archived room, which is read-only', () => {
    const archivedAt = '2025-01-03T00:00:00.000Z';
    expect(mayRemoveFile(sharedFile(), viewer(UPLOADER, { archivedAt }))).toBe(false);
    expect(mayRemoveFile(sharedFile(), viewer(OTHER, { archivedAt, myRole: RoomRole.Owner }))).toBe(false);
    expect(mayRemoveFile(sharedFile(), viewer(OTHER, { archivedAt, appAdmin: true }))).toBe(false);
  });

  it('leaves a file not sent yet to its uploader (and app admins), not to the room\u2019s owner', () => {
    const ready = { uploaderId: UPLOADER, status: FileStatus.Ready };
    expect(mayRemoveFile(ready, viewer(UPLOADER))).toBe(true);
    expect(mayRemoveFile(ready, viewer(OTHER, { appAdmin: true }))).toBe(true);
    expect(mayRemoveFile(ready, viewer(OTHER, { myRole: RoomRole.Owner }))).toBe(false);
  });

  it('offers nothing to someone signed out', () => {
    expect(mayRemoveFile(sharedFile(), { me: null, room: null })).toBe(false);
  });
});
