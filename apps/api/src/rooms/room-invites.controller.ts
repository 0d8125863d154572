import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RoomInvite } from '@parley/contracts';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { UserEntity } from '../users/user.entity';
import { CreateInviteDto } from './dto/room-requests.dto';
import { RoomInviteDto } from './dto/room-responses.dto';
import { RoomInvitesService } from './room-invites.service';
import { toRoomInvite } from './rooms.mapper';

@ApiTags('rooms')
@ApiAuth()
@Controller('rooms/:id/invites')
export class RoomInvitesController {
  constructor(private readonly invites: RoomInvitesService) {}

  @Post()
  @ApiUuidParam('id', 'The room')
  @ApiOperation({
    summary: 'Create an invite link',
    description:
      'Owner or admins; not for direct rooms (400) or archived rooms (409). The code is in this response only ' +
      '(it is stored hashed); anyone signed in who has it joins with POST /api/invites/{code}/join.',
  })
  @ApiCreatedResponse({ type: RoomInviteDto })
  @ApiErrors(404, 409)
  async create(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string, @Body() body: CreateInviteDto): Promise<RoomInvite> {
    const { invite, code } = await this.invites.create(id, user, body);
    return toRoomInvite(invite, code);
  }

  @Delete(':code')
  @ApiUuidParam('id', 'The room')
  @ApiParam({ name: 'code', description: 'The invite code', type: String })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an invite link', description: 'Owner or admins. The code stops working at once.' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(404)
  async revoke(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string, @Param('code') code: string): Promise<void> {
    await this.invites.revoke(id, user, code);
  }
}
