import { Injectable, Logger } from '@nestjs/common';
import { AppEvents } from '../events/app-events';
import { MessageWriter } from './message-writer';

/**
 * Keeps messages' attachments true when a file is deleted on its own (`DELETE /api/files/:id`): the message
 * that carried it loses that attachment and takes the room's next rev, raised as `message.edited`; a message
 * left with no words and no files becomes a tombstone (`message.deleted`).
 */
@Injectable()
export class MessageAttachments {
  private readonly logger = new Logger(MessageAttachments.name);

  constructor(
    private readonly writer: MessageWriter,
    private readonly events: AppEvents,
  ) {
    events.on('file.deleted', ({ fileId, messageId }) => (messageId ? this.detach(messageId, fileId) : undefined));
  }

  private async detach(messageId: string, fileId: string): Promise<void> {
    const outcome = await this.writer.store.detach(messageId, fileId, new Date());
    if (!outcome.ok) {
      if (outcome.reason !== 'unchanged') this.logger.warn(`Could not take file ${fileId} off message ${messageId}: ${outcome.reason}`);
      return;
    }
    await this.events.emit(outcome.deleted ? 'message.deleted' : 'message.edited', { message: outcome.message });
  }
}
