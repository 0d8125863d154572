import { Injectable } from '@nestjs/common';
import { AppEvents } from '../../events/app-events';
import { RelationsService } from '../../friends/relations.service';
import { RoomsService } from '../../rooms/rooms.service';
import { UsersService } from '../../users/users.service';
import { toPublicUser } from '../../users/users.mapper';
import { RealtimeService } from '../realtime.service';

/**
 * A changed profile (display name, status, username, picture) reaches everyone who shows it live: the members
 * of every room the user is in (public ones too: their names appear there), their friends, and their own
 * other tabs.
 */
@Injectable()
export class ProfileDeliveries {
  constructor(
    private readonly users: UsersService,
    private readonly rooms: RoomsService,
    private readonly relations: RelationsService,
    private readonly realtime: RealtimeService,
    events: AppEvents,
  ) {
    events.on('user.updated', ({ userId }) => this.announce(userId));
  }

  private async announce(userId: string): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) return;
    const [roomIds, friendIds] = await Promise.all([this.rooms.roomIdsForUser(userId), this.relations.friendIdsOf(userId)]);
    this.realtime.toRoomsAndUsers(roomIds, [userId, ...friendIds], 'user:updated', { user: toPublicUser(user) });
  }
}
