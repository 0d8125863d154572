import { Injectable } from '@nestjs/common';
import { Friend, FriendRequest } from '@parley/contracts';
import { RealtimeService } from '../realtime/realtime.service';

/** What both sides of a friendship see live: every change goes to every socket of each of the two users. */
@Injectable()
export class FriendEvents {
  constructor(private readonly realtime: RealtimeService) {}

  requestSent(request: FriendRequest): void {
    for (const userId of [request.from.id, request.to.id]) this.realtime.toUser(userId, 'friend:request', { request });
  }

  /** Withdrawn, declined or ended by a block: the payload is the same, so the sender cannot tell a decline. */
  requestRemoved(requestId: string, userIds: [string, string]): void {
    for (const userId of userIds) this.realtime.toUser(userId, 'friend:request-removed', { requestId });
  }

  /** `forA` is what A sees (B as the friend) and the other way round. */
  accepted(requestId: string, a: string, forA: Friend, b: string, forB: Friend): void {
    this.realtime.toUser(a, 'friend:accepted', { requestId, friend: forA });
    this.realtime.toUser(b, 'friend:accepted', { requestId, friend: forB });
  }

  removed(a: string, b: string): void {
    this.realtime.toUser(a, 'friend:removed', { userId: b });
    this.realtime.toUser(b, 'friend:removed', { userId: a });
  }
}
