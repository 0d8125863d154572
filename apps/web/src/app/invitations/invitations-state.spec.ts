import { PublicUser, RoomInvitation } from '@parley/contracts';
import { InvitationChange, replayed, withInvitation, withoutInvitation } from './invitations-state';

const user = (id: string): PublicUser => ({ id, username: id, displayName: `User ${id}`, statusText: '', avatarUrl: `/api/users/${id}/avatar`, createdAt: '2026-01-01T00:00:00.000Z' });
const invitation = (id: string, roomName = `Room ${id}`): RoomInvitation => ({
  id,
  room: { id: `room-${id}`, kind: 'group', name: roomName, topic: '', memberCount: 2, encrypted: false },
  invitee: user('me'),
  inviter: user('ada'),
  createdAt: '2026-01-01T10:00:00.000Z',
});
const ids = (list: readonly RoomInvitation[]) => list.map((i) => i.id);

describe('the invitations list', () => {
  it('puts a new invitation first, and the same one heard twice (the answer, then the event) only once', () => {
    let list = withInvitation([], invitation('a'));
    list = withInvitation(list, invitation('b'));
    expect(ids(list)).toEqual(['b', 'a']);
    expect(ids(withInvitation(list, invitation('b')))).toEqual(['b', 'a']);
  });

  it('drops an accepted, declined or withdrawn invitation; one that is gone already changes nothing', () => {
    const list = [invitation('b'), invitation('a')];
    expect(ids(withoutInvitation(list, 'b'))).toEqual(['a']);
    expect(ids(withoutInvitation(list, 'zzz'))).toEqual(['b', 'a']);
  });

  it('keeps what was heard while the list was loading: the answer may predate it', () => {
    // Loaded: a and b. Meanwhile c arrived and b was withdrawn.
    const heard: InvitationChange[] = [(l) => withInvitation(l, invitation('c')), (l) => withoutInvitation(l, 'b')];
    expect(ids(replayed([invitation('b'), invitation('a')], heard))).toEqual(['c', 'a']);
    // The answer already had them: the same result.
    expect(ids(replayed([invitation('c'), invitation('a')], heard))).toEqual(['c', 'a']);
  });
});
