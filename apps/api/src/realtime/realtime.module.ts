import { Module } from '@nestjs/common';
import { FriendsModule } from '../friends/friends.module';
import { RoomsModule } from '../rooms/rooms.module';
import { UsersModule } from '../users/users.module';
import { CalendarDeliveries } from './deliveries/calendar-deliveries';
import { E2eeDeliveries } from './deliveries/e2ee-deliveries';
import { FriendDeliveries } from './deliveries/friend-deliveries';
import { MessageDeliveries } from './deliveries/message-deliveries';
import { PresenceDeliveries } from './deliveries/presence-deliveries';
import { ProfileDeliveries } from './deliveries/profile-deliveries';
import { ReceiptDeliveries } from './deliveries/receipt-deliveries';
import { ResyncDeliveries } from './deliveries/resync-deliveries';
import { RoomDeliveries } from './deliveries/room-deliveries';
import { SessionDeliveries } from './deliveries/session-deliveries';
import { RealtimeService } from './realtime.service';
import { SendOrigins } from './send-origins';

/**
 * The delivery layer: turns the feature modules' domain events into Socket.IO traffic. Only the gateway
 * imports it; feature modules raise events and never see a socket.
 */
@Module({
  imports: [RoomsModule, FriendsModule, UsersModule],
  providers: [RealtimeService, SendOrigins, MessageDeliveries, PresenceDeliveries, ReceiptDeliveries, ResyncDeliveries, RoomDeliveries, FriendDeliveries, ProfileDeliveries, SessionDeliveries, E2eeDeliveries, CalendarDeliveries],
  exports: [RealtimeService, SendOrigins],
})
export class RealtimeModule {}
