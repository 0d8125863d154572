import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AddMemberResult, RoomMember } from '@parley/contracts';
import type { Response } from 'express';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { UserEntity } from '../users/user.entity';
import { AddMemberDto, ChangeRoleDto } from './dto/room-requests.dto';
import { AddMemberResultDto, RoomMemberDto } from './dto/room-responses.dto';
import { RoomMembersService } from './room-members.service';
import { toRoomMember } from './rooms.mapper';
import { RoomsService } from './rooms.service';

@ApiTags('rooms')
@ApiAuth()
@Controller('rooms/:id/members')
export class RoomMembersController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly roomMembers: RoomMembersService,
  ) {}

  @Get()
  @ApiUuidParam('id', 'The room')
  @ApiOperation({
    summary: 'Members of a room',
    description: 'Everyone in the room with their role and last read seq (for "seen by"): owner first, then admins, then by name.',
  })
  @ApiOkResponse({ type: [RoomMemberDto] })
  @ApiErrors(404)
  async list(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<RoomMember[]> {
    return (await this.rooms.listMembers(id, user.id)).map(toRoomMember);
  }

  @Post()
  @ApiUuidParam('id', 'The room')
  @ApiOperation({
    summary: 'Add a member',
    description:
      'Owner or admins bring an active user into a group or public room, by the rules of direct conversations: never across a ' +
      'block either way (403), and on a server with DM_POLICY=friends, someone who is not your friend gets an invitation to ' +
      'accept or decline (202) instead of a membership. 201 when added, 200 when already a member.',
  })
  @ApiCreatedResponse({ type: AddMemberResultDto, description: 'Added' })
  @ApiOkResponse({ type: AddMemberResultDto, description: 'Already a member' })
  @ApiAcceptedResponse({ type: AddMemberResultDto, description: 'Invited: they join if they accept' })
  @ApiErrors(403, 404, 409, 429)
  async add(
    @CurrentUserEntity() user: UserEntity,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: AddMemberDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AddMemberResult> {
    const result = await this.roomMembers.add(id, user, body.userId);
    if (result.outcome === 'invited') {
      res.status(HttpStatus.ACCEPTED);
      return { outcome: 'invited', member: null, invitation: result.invitation };
    }
    if (result.outcome === 'already_member') res.status(HttpStatus.OK);
    return { outcome: result.outcome, member: toRoomMember(result.member), invitation: null };
  }

  @Delete(':userId')
  @ApiUuidParam('id', 'The room')
  @ApiUuidParam('userId', 'The member to remove')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Remove a member',
    description: 'Owner or admins; admins cannot remove the owner or other admins. Removing yourself is leaving the room.',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(404, 409)
  async remove(
    @CurrentUserEntity() user: UserEntity,
    @Param('id', uuidParam('id')) id: string,
    @Param('userId', uuidParam('userId')) userId: string,
  ): Promise<void> {
    await this.roomMembers.remove(id, user, userId);
  }

  @Patch(':userId')
  @ApiUuidParam('id', 'The room')
  @ApiUuidParam('userId', 'The member')
  @ApiOperation({ summary: "Change a member's role", description: 'The owner makes a member an admin, or an admin a member again.' })
  @ApiOkResponse({ type: RoomMemberDto })
  @ApiErrors(404)
  async changeRole(
    @CurrentUserEntity() user: UserEntity,
    @Param('id', uuidParam('id')) id: string,
    @Param('userId', uuidParam('userId')) userId: string,
    @Body() body: ChangeRoleDto,
  ): Promise<RoomMember> {
    return toRoomMember(await this.roomMembers.changeRole(id, user, userId, body.role));
  }
}
