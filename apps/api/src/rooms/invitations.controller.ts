import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JoinedRoom, RoomInvitation } from '@parley/contracts';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { UserEntity } from '../users/user.entity';
import { JoinedRoomDto, RoomInvitationDto } from './dto/room-responses.dto';
import { RoomInvitationsService } from './room-invitations.service';
import { RoomMembersService } from './room-members.service';
import { toRoomSummary } from './rooms.mapper';

/** Invitations of people into rooms (not invite links: those are /api/invites). */
@ApiTags('rooms')
@ApiAuth()
@Controller()
export class InvitationsController {
  constructor(
    private readonly invitations: RoomInvitationsService,
    private readonly roomMembers: RoomMembersService,
  ) {}

  @Get('invitations')
  @ApiOperation({ summary: 'Your invitations', description: 'Rooms you were invited into and have not answered yet, newest first.' })
  @ApiOkResponse({ type: [RoomInvitationDto] })
  @ApiErrors()
  mine(@CurrentUserEntity() user: UserEntity): Promise<RoomInvitation[]> {
    return this.invitations.listMine(user.id);
  }

  @Post('invitations/:id/accept')
  @ApiUuidParam('id', 'The invitation')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Accept an invitation', description: 'You join the room. 409 if it was archived meanwhile.' })
  @ApiOkResponse({ type: JoinedRoomDto })
  @ApiErrors(404, 409)
  async accept(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<JoinedRoom> {
    return { room: toRoomSummary(await this.roomMembers.acceptInvitation(id, user)) };
  }

  @Post('invitations/:id/decline')
  @ApiUuidParam('id', 'The invitation')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Decline an invitation', description: 'The invitation is gone; the room is not told why.' })
  @ApiNoContentResponse({ description: 'Declined' })
  @ApiErrors(404)
  async decline(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.roomMembers.declineInvitation(id, user);
  }

  @Get('rooms/:id/invitations')
  @ApiUuidParam('id', 'The room')
  @ApiOperation({ summary: "A room's pending invitations", description: 'People invited into the room who have not answered yet (any member may look).' })
  @ApiOkResponse({ type: [RoomInvitationDto] })
  @ApiErrors(404)
  forRoom(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<RoomInvitation[]> {
    return this.invitations.listForRoom(id, user.id);
  }

  @Delete('rooms/:id/invitations/:invitationId')
  @ApiUuidParam('id', 'The room')
  @ApiUuidParam('invitationId', 'The invitation')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Withdraw an invitation', description: "The person who invited them, or the room's owner and admins." })
  @ApiNoContentResponse({ description: 'Withdrawn' })
  @ApiErrors(403, 404)
  async withdraw(
    @CurrentUserEntity() user: UserEntity,
    @Param('id', uuidParam('id')) id: string,
    @Param('invitationId', uuidParam('invitationId')) invitationId: string,
  ): Promise<void> {
    await this.roomMembers.withdrawInvitation(id, user, invitationId);
  }
}
