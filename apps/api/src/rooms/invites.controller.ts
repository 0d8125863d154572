import { Controller, Get, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { InvitePreview, JoinedRoom } from '@parley/contracts';
import { AuthRateLimited, CurrentUserEntity, OptionalAuth, Public } from '../auth/auth.decorators';
import type { AuthedRequest } from '../auth/request-auth';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { UserEntity } from '../users/user.entity';
import { InvitePreviewDto, JoinedRoomDto } from './dto/room-responses.dto';
import { RoomInvitesService } from './room-invites.service';
import { toRoomSummary } from './rooms.mapper';

@ApiTags('rooms')
@ApiAuth()
@Controller('invites')
export class InvitesController {
  constructor(private readonly invites: RoomInvitesService) {}

  @Get(':code')
  @Public()
  @OptionalAuth()
  @AuthRateLimited()
  @ApiParam({ name: 'code', description: 'The invite code', type: String })
  @ApiOperation({
    summary: 'Look at an invite link',
    description:
      'The room an invite code leads to (name, topic, member count), without joining, and without signing in (the code is the ' +
      'permission). Signed in, `joined` says whether you are a member already. Unknown, expired, revoked and used-up codes and ' +
      'archived rooms are all 404 with one message. Counted against the per-IP limit of the authentication routes.',
  })
  @ApiOkResponse({ type: InvitePreviewDto })
  @ApiErrors(404)
  preview(@Req() req: AuthedRequest, @Param('code') code: string): Promise<InvitePreview> {
    return this.invites.preview(code, req.auth?.user.id ?? null);
  }

  @Post(':code/join')
  @ApiParam({ name: 'code', description: 'The invite code', type: String })
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Join a room with an invite code',
    description:
      'Unknown, expired, revoked and used-up codes are all 404 with one message; an archived room is 409. ' +
      'A member already in the room gets it back without using the code.',
  })
  @ApiOkResponse({ type: JoinedRoomDto })
  @ApiErrors(404, 409)
  async join(@CurrentUserEntity() user: UserEntity, @Param('code') code: string): Promise<JoinedRoom> {
    return { room: toRoomSummary(await this.invites.join(code, user)) };
  }
}
