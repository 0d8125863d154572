import { Injectable } from '@nestjs/common';
import { AppEvents } from '../../events/app-events';
import { RealtimeService } from '../realtime.service';

/** What both sides of a friendship see live: every change goes to every socket of each of the two users. */
@Injectable()
export class FriendDeliveries {
  constructor(realtime: RealtimeService, events: AppEvents) {
    events.on('friend.requested', ({ request }) => {
      for (const userId of [request.from.id, request.to.id]) realtime.toUser(userId, 'friend:request', { request });
    });
    // Withdrawn, declined or ended by a block: the payload is the same, so the sender cannot tell a decline.
    events.on('friend.request-removed', ({ requestId, userIds }) => {
      for (const userId of userIds) realtime.toUser(userId, 'friend:request-removed', { requestId });
    });
    events.on('friend.accepted', ({ requestId, sides }) => {
      for (const { userId, friend } of sides) realtime.toUser(userId, 'friend:accepted', { requestId, friend });
    });
    events.on('friend.removed', ({ userIds: [a, b] }) => {
      realtime.toUser(a, 'friend:removed', { userId: b });
      realtime.toUser(b, 'friend:removed', { userId: a });
    });
  }
}
