import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FriendsModule } from '../friends/friends.module';
import { RoomEntity } from '../rooms/room.entity';
import { RoomsModule } from '../rooms/rooms.module';
import { MessageEntity } from './message.entity';
import { MessageWriter } from './message-writer';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { ReceiptAnnouncer } from './receipt-announcer';
import { SystemMessages } from './system-messages';

@Module({
  imports: [TypeOrmModule.forFeature([MessageEntity, RoomEntity]), RoomsModule, FriendsModule],
  controllers: [MessagesController],
  providers: [MessagesService, MessageWriter, ReceiptAnnouncer, SystemMessages],
  exports: [MessagesService, MessageWriter],
})
export class MessagesModule {}
