import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { FriendsModule } from '../friends/friends.module';
import { MessagesModule } from '../messages/messages.module';
import { RoomMemberEntity } from '../rooms/room-member.entity';
import { RealtimeModule } from '../realtime/realtime.module';
import { RoomsModule } from '../rooms/rooms.module';
import { UserEntity } from '../users/user.entity';
import { ChatGateway } from './chat.gateway';
import { SocketAuthService } from './socket-auth.service';
import { SocketLimits } from './socket-limits';

@Module({
  imports: [AuthModule, RoomsModule, MessagesModule, FriendsModule, RealtimeModule, TypeOrmModule.forFeature([UserEntity, RoomMemberEntity])],
  providers: [ChatGateway, SocketAuthService, SocketLimits],
})
export class GatewayModule {}
