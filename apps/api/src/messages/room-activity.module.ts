import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessageEntity } from './message.entity';
import { RoomActivity } from './room-activity';

/**
 * The part of the messages module the rooms module reads (unread counts, last-message previews). A module of
 * its own because the rooms module cannot import MessagesModule, which depends on it.
 */
@Module({
  imports: [TypeOrmModule.forFeature([MessageEntity])],
  providers: [RoomActivity],
  exports: [RoomActivity],
})
export class RoomActivityModule {}
