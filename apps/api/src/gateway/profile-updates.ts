import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppEvents } from '../events/app-events';
import { RelationsService } from '../friends/relations.service';
import { RealtimeService } from '../realtime/realtime.service';
import { RoomsService } from '../rooms/rooms.service';
import { UserEntity } from '../users/user.entity';
import { toPublicUser } from '../users/users.mapper';

/**
 * A changed profile (display name, status, username, picture) reaches everyone who shows it live: the members
 * of every room the user is in (public ones too: their names appear there) and their friends.
 */
@Injectable()
export class ProfileUpdates {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly rooms: RoomsService,
    private readonly relations: RelationsService,
    private readonly realtime: RealtimeService,
    events: AppEvents,
  ) {
    events.on('user.updated', ({ userId }) => this.announce(userId));
  }

  private async announce(userId: string): Promise<void> {
    const user = await this.users.findOneBy({ id: userId });
    if (!user) return;
    const [roomIds, friendIds] = await Promise.all([this.rooms.roomIdsForUser(userId), this.relations.friendIdsOf(userId)]);
    this.realtime.toRoomsAndUsers(roomIds, [userId, ...friendIds], 'user:updated', { user: toPublicUser(user) });
  }
}
