import { Injectable } from '@nestjs/common';
import { AppEvents } from '../../events/app-events';
import { RealtimeService } from '../realtime.service';

/** The room calendar's changes to the room's members' sockets (every socket, the author's included), and each person's notices. */
@Injectable()
export class CalendarDeliveries {
  constructor(
    private readonly realtime: RealtimeService,
    events: AppEvents,
  ) {
    events.on('calendar.event-created', ({ event }) => this.realtime.toRoom(event.roomId, 'calendar:created', { event }));
    events.on('calendar.event-updated', ({ event }) => this.realtime.toRoom(event.roomId, 'calendar:updated', { event }));
    events.on('calendar.event-cancelled', ({ event }) => this.realtime.toRoom(event.roomId, 'calendar:cancelled', { event }));
    events.on('calendar.occurrence-changed', (change) => this.realtime.toRoom(change.roomId, 'calendar:occurrence', change));
    events.on('calendar.rsvp-changed', (change) => this.realtime.toRoom(change.roomId, 'calendar:rsvp', change));
    // A notice goes to its person's sockets only (on every process, through the adapter).
    events.on('calendar.notices', ({ notices }) => {
      for (const { userId, ...notice } of notices) this.realtime.toUser(userId, 'calendar:notice', notice);
    });
    events.on('calendar.notice-dismissed', ({ userId, id }) => this.realtime.toUser(userId, 'calendar:notice-dismissed', { id }));
  }
}
