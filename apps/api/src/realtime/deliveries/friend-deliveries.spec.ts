import { Friend, FriendRequest, PresenceStatus, PublicUser } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { AppEvents } from '../../events/app-events';
import { RecordingRealtime } from '../testing/recording-realtime';
import { FriendDeliveries } from './friend-deliveries';

const SINCE = '2030-01-01T12:00:00.000Z';
const makePerson = (name: string): PublicUser => {
  const id = randomUUID();
  return { id, username: name.toLowerCase(), displayName: name, statusText: '', avatarUrl: `/api/users/${id}/avatar?v=1`, createdAt: SINCE };
};
const asFriend = (user: PublicUser): Friend => ({ user, presence: { userId: user.id, status: PresenceStatus.Offline, lastSeenAt: null }, since: SINCE });

describe('friend deliveries', () => {
  let sent: RecordingRealtime;
  let events: AppEvents;
  const [ada, bob] = [makePerson('Ada'), makePerson('Bob')];

  beforeEach(() => {
    sent = new RecordingRealtime();
    events = new AppEvents();
    new FriendDeliveries(sent, events);
  });

  it('sends every change to all sockets of both people, each seeing the other as the friend', async () => {
    const request: FriendRequest = { id: randomUUID(), from: ada, to: bob, createdAt: SINCE };
    await events.emit('friend.requested', { request });
    await events.emit('friend.accepted', { requestId: request.id, sides: [{ userId: bob.id, friend: asFriend(ada) }, { userId: ada.id, friend: asFriend(bob) }] });
    await events.emit('friend.removed', { userIds: [ada.id, bob.id] });
    await events.emit('friend.request-removed', { requestId: request.id, userIds: [ada.id, bob.id] });

    expect(sent.sent.map((s) => [s.to, s.event])).toEqual([
      [`user:${ada.id}`, 'friend:request'],
      [`user:${bob.id}`, 'friend:request'],
      [`user:${bob.id}`, 'friend:accepted'],
      [`user:${ada.id}`, 'friend:accepted'],
      [`user:${ada.id}`, 'friend:removed'],
      [`user:${bob.id}`, 'friend:removed'],
      [`user:${ada.id}`, 'friend:request-removed'],
      [`user:${bob.id}`, 'friend:request-removed'],
    ]);
    expect(sent.toUserOf(ada.id, 'friend:accepted')).toEqual([{ requestId: request.id, friend: asFriend(bob) }]);
    expect(sent.toUserOf(ada.id, 'friend:removed')).toEqual([{ userId: bob.id }]);
    expect(sent.toUserOf(bob.id, 'friend:removed')).toEqual([{ userId: ada.id }]);
    // A decline and a withdrawal look the same to both: only the request's id.
    expect(sent.toUserOf(ada.id, 'friend:request-removed')).toEqual([{ requestId: request.id }]);
  });
});
