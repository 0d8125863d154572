import { Injectable, Logger } from '@nestjs/common';
import type { Presence } from '@parley/contracts';
import { AppEvents } from '../../events/app-events';
import { RelationsService } from '../../friends/relations.service';
import { RoomsService } from '../../rooms/rooms.service';
import { RealtimeService } from '../realtime.service';

/**
 * A presence change reaches the people who see this user's presence: their friends and the members of their
 * direct and group rooms, except anyone they blocked. Public rooms (such as #general, where everyone is) are
 * left out, or every login would be announced to every user; clients ask with `presence:query` for the
 * people they show there.
 */
@Injectable()
export class PresenceDeliveries {
  private readonly logger = new Logger(PresenceDeliveries.name);

  constructor(
    private readonly rooms: RoomsService,
    private readonly relations: RelationsService,
    private readonly realtime: RealtimeService,
    events: AppEvents,
  ) {
    events.on('presence.changed', ({ presence }) => this.announce(presence));
  }

  private async announce(presence: Presence): Promise<void> {
    try {
      const { userId } = presence;
      const [roomIds, friendIds, blocked] = await Promise.all([
        this.rooms.privateRoomIdsForUser(userId),
        this.relations.friendIdsOf(userId),
        this.relations.blockedIdsBy(userId),
      ]);
      this.realtime.toRoomsAndUsersExcept(roomIds, friendIds, blocked, 'presence', presence);
    } catch (err) {
      this.logger.warn(`Presence of ${presence.userId} not announced: ${(err as Error).message}`);
    }
  }
}
