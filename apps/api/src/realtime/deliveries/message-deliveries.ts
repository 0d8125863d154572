import { Injectable } from '@nestjs/common';
import { Message } from '@parley/contracts';
import { AppEvents } from '../../events/app-events';
import { RealtimeService } from '../realtime.service';
import { SendOrigins } from '../send-origins';

/**
 * Messages to the room's live sockets: new ones (not to the socket that sent it: it has the ack), edits
 * and tombstones. Read receipts go through ReceiptDeliveries.
 */
@Injectable()
export class MessageDeliveries {
  constructor(
    private readonly realtime: RealtimeService,
    private readonly origins: SendOrigins,
    events: AppEvents,
  ) {
    events.on('message.created', ({ message }) => this.created(message));
    events.on('message.edited', ({ message }) => this.realtime.toRoom(message.roomId, 'message:updated', message));
    events.on('message.deleted', ({ message: m }) =>
      this.realtime.toRoom(m.roomId, 'message:deleted', { roomId: m.roomId, messageId: m.id, seq: m.seq, rev: m.rev, deletedAt: m.deletedAt! }),
    );
  }

  private created(message: Message): void {
    const origin = this.origins.socketOf(message.senderId, message.clientMsgId);
    if (origin) this.realtime.toRoomExcept(message.roomId, origin, 'message:new', message);
    else this.realtime.toRoom(message.roomId, 'message:new', message);
  }
}
