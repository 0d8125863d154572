import { Injectable } from '@nestjs/common';
import { AppEvents } from '../../events/app-events';
import { RealtimeService } from '../realtime.service';

/**
 * Ended sessions, revoked tokens and deactivated accounts close the sockets they opened, each after a
 * `session:ended {reason}` so the client can say why.
 */
@Injectable()
export class SessionDeliveries {
  constructor(realtime: RealtimeService, events: AppEvents) {
    events.on('auth.sessions-ended', ({ userId, sessionIds, exceptSessionId, reason }) =>
      sessionIds ? realtime.closeSessions(sessionIds, reason) : realtime.closeUserSessionsExcept(userId, exceptSessionId, reason),
    );
    events.on('auth.token-revoked', ({ tokenId }) => realtime.closeToken(tokenId, 'revoked'));
    events.on('user.deactivated', ({ userId }) => realtime.closeUser(userId, 'deactivated'));
  }
}
