import { Injectable } from '@nestjs/common';
import { AppEvents } from '../../events/app-events';
import { RoomsService } from '../../rooms/rooms.service';
import { RealtimeService } from '../realtime.service';

/**
 * Wakes devices to run their end-to-end encryption sync: the recipients of to-device messages, and whoever
 * shares a room with a user whose devices changed (so that their next message's room key skips a removed
 * device and reaches a new one).
 */
@Injectable()
export class E2eeDeliveries {
  constructor(
    private readonly rooms: RoomsService,
    private readonly realtime: RealtimeService,
    events: AppEvents,
  ) {
    events.on('e2ee.inbox', ({ userIds }) => this.realtime.toRoomsAndUsers([], userIds, 'e2ee:sync', { reason: 'to_device' }));
    events.on('e2ee.devices-changed', async ({ userId }) => {
      const roomIds = await this.rooms.roomIdsForUser(userId);
      this.realtime.toRoomsAndUsers(roomIds, [userId], 'e2ee:sync', { reason: 'device_lists' });
    });
  }
}
