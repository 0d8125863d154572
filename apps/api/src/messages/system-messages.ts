import { Injectable, Logger } from '@nestjs/common';
import { RoomEvent } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { AppEvents } from '../events/app-events';
import { MessageWriter } from './message-writer';

/**
 * Writes the timeline's system messages ("Ada added Bob") for the rooms module's `room.changed` events:
 * stored like any message (next seq, synced, in history) by the room's actor, with an empty body and the
 * event, then raised as `message.created` like any other.
 */
@Injectable()
export class SystemMessages {
  private readonly logger = new Logger(SystemMessages.name);

  constructor(
    private readonly writer: MessageWriter,
    private readonly events: AppEvents,
  ) {
    events.on('room.changed', ({ roomId, event }) => this.post(roomId, event));
  }

  async post(roomId: string, event: RoomEvent): Promise<void> {
    const outcome = await this.writer.send({ roomId, senderId: event.actor.id, clientMsgId: `system-${randomUUID()}`, body: '', replyToId: null, event });
    if (outcome.ok) await this.events.emit('message.created', { message: outcome.message });
    else this.logger.warn(`Could not record ${event.type} in room ${roomId}: ${outcome.reason}`);
  }
}
