import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FriendsModule } from '../friends/friends.module';
import { RoomActivityModule } from '../messages/room-activity.module';
import { UserEntity } from '../users/user.entity';
import { CLOCK, systemClock } from './clock';
import { DirectRoomsService } from './direct-rooms.service';
import { GeneralRoomService } from './general-room.service';
import { InvitesController } from './invites.controller';
import { InvitationsController } from './invitations.controller';
import { RoomAdmission } from './room-admission';
import { RoomRevisions } from './room-revisions';
import { RoomHistory } from './room-history';
import { RoomInvitationEntity } from './room-invitation.entity';
import { RoomInvitationsService } from './room-invitations.service';
import { RoomInviteEntity } from './room-invite.entity';
import { RoomInvitesController } from './room-invites.controller';
import { RoomInvitesService } from './room-invites.service';
import { RoomMemberEntity } from './room-member.entity';
import { RoomMembersController } from './room-members.controller';
import { RoomMembersService } from './room-members.service';
import { RoomSummaryQueries } from './room-summaries';
import { RoomEntity } from './room.entity';
import { RoomsController } from './rooms.controller';
import { RoomsService } from './rooms.service';

/** Rooms, memberships, roles and invite links. RoomsService is what the messages module and the gateway use. */
@Module({
  imports: [TypeOrmModule.forFeature([RoomEntity, RoomMemberEntity, RoomInviteEntity, RoomInvitationEntity, UserEntity]), FriendsModule, RoomActivityModule],
  controllers: [RoomsController, RoomMembersController, RoomInvitesController, InvitesController, InvitationsController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    RoomSummaryQueries,
    RoomsService,
    RoomMembersService,
    DirectRoomsService,
    RoomInvitesService,
    GeneralRoomService,
    RoomHistory,
    RoomAdmission,
    RoomInvitationsService,
    RoomRevisions,
  ],
  exports: [RoomsService, DirectRoomsService, RoomRevisions],
})
export class RoomsModule {}
