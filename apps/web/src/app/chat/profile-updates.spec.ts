import { RoomKind } from '@parley/contracts';
import { ME, chatHarness, makeMember, makeMessage, makeRoom, makeUser, settle } from './testing/chat-fakes';

jest.mock('./message-body/render-markdown', () => ({ toPlainText: (body: string) => body }));

const ana = makeUser({ id: 'user-ana', displayName: 'Ana Lima', avatarUrl: '/api/users/user-ana/avatar?v=1' });
const bo = makeUser({ id: 'user-bo', displayName: 'Bo Berg' });

describe('a profile changed elsewhere (user:updated)', () => {
  it('renames the direct room with them, shows their new picture, and names them anew in previews, messages, "Seen by"', async () => {
    const h = chatHarness({
      rooms: [
        makeRoom({ id: 'd', kind: RoomKind.Direct, name: 'Ana Lima', peer: ana, memberCount: 2 }),
        makeRoom({
          id: 'g',
          name: 'Group',
          lastSeq: 2,
          lastRev: 2,
          lastMessage: { id: 'msg-g-2', seq: 2, senderId: ana.id, senderName: 'Ana Lima', text: 'hi', deleted: false, hidden: false, attachmentCount: 0, encrypted: false, kind: 'user', createdAt: '2025-01-02T10:02:00.000Z' },
        }),
        makeRoom({ id: 'other', name: 'Other', peer: null }),
      ],
    });
    h.rooms.members.set('g', [makeMember(makeUser({ id: ME })), makeMember(ana, 2), makeMember(bo, 1)]);
    h.messages.history.set('g', [makeMessage({ roomId: 'g', seq: 1, senderId: ME }), makeMessage({ roomId: 'g', seq: 2, senderId: ana.id })]);
    await settle();
    h.store.openRoom('g');
    await settle();
    const otherBefore = h.store.room('other');

    const renamed = { ...ana, displayName: 'Ada Lovelace', avatarUrl: '/api/users/user-ana/avatar?v=2' };
    h.realtime.push('user:updated', { user: renamed });

    expect(h.store.room('d')).toMatchObject({ name: 'Ada Lovelace', peer: { avatarUrl: '/api/users/user-ana/avatar?v=2' } });
    expect(h.store.room('g')!.lastMessage?.senderName).toBe('Ada Lovelace');
    expect(h.store.room('other')).toBe(otherBefore);
    expect(h.store.people.nameOf(ana.id)).toBe('Ada Lovelace');
    expect(h.store.people.avatarOf(ana.id)).toBe('/api/users/user-ana/avatar?v=2');
    expect(h.store.members('g')!.find((m) => m.user.id === ana.id)!.user.displayName).toBe('Ada Lovelace');
    expect(h.store.seenBy('g', 1).map((m) => m.user.displayName)).toEqual(['Ada Lovelace', 'Bo Berg']);
  });

  it('names someone the chat had not heard of yet (a profile card or a search opens them next)', async () => {
    const h = chatHarness({ rooms: [] });
    await settle();
    h.realtime.push('user:updated', { user: bo });
    expect(h.store.people.userOf(bo.id)).toEqual(bo);
  });
});
