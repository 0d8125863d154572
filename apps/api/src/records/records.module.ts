import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { RoomsModule } from '../rooms/rooms.module';
import { UsersModule } from '../users/users.module';
import { TranscriptController } from './transcript.controller';
import { TranscriptService } from './transcript.service';

/**
 * Conversation records (issue 13): transcripts of a room for its members. Messages, rooms and users are read
 * through their modules' services; it owns no table.
 */
@Module({
  imports: [MessagesModule, RoomsModule, UsersModule],
  controllers: [TranscriptController],
  providers: [TranscriptService],
})
export class RecordsModule {}
