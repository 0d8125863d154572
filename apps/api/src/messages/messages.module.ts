import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FilesModule } from '../files/files.module';
import { FriendsModule } from '../friends/friends.module';
import { RoomsModule } from '../rooms/rooms.module';
import { MessageEntity } from './message.entity';
import { MessageAttachments } from './message-attachments';
import { MessageHistory } from './message-history';
import { MessageRetention } from './message-retention';
import { MessageSearchReads } from './message-search-reads';
import { MessageWriter } from './message-writer';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { MessagesSweepTask } from './messages-sweep-task';
import { SystemMessages } from './system-messages';

@Module({
  imports: [TypeOrmModule.forFeature([MessageEntity]), RoomsModule, FriendsModule, FilesModule],
  controllers: [MessagesController],
  providers: [MessagesService, MessageWriter, MessageHistory, SystemMessages, MessageAttachments, MessagesSweepTask, MessageSearchReads, MessageRetention],
  exports: [MessagesService, MessageWriter, MessageSearchReads, MessageRetention],
})
export class MessagesModule {}
