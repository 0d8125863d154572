import { Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { JoinedRoom } from '@parley/contracts';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { UserEntity } from '../users/user.entity';
import { JoinedRoomDto } from './dto/room-responses.dto';
import { RoomInvitesService } from './room-invites.service';
import { toRoomSummary } from './rooms.mapper';

@ApiTags('rooms')
@ApiAuth()
@Controller('invites')
export class InvitesController {
  constructor(private readonly invites: RoomInvitesService) {}

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
