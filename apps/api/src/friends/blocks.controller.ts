import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BlockedUser } from '@parley/contracts';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { UserEntity } from '../users/user.entity';
import { BlocksService } from './blocks.service';
import { BlockedUserDto } from './dto/friends.dto';

@ApiTags('blocks')
@ApiAuth()
@Controller('blocks')
export class BlocksController {
  constructor(private readonly blocks: BlocksService) {}

  @Get()
  @ApiOperation({ summary: 'Users you blocked', description: 'Most recent first.' })
  @ApiOkResponse({ type: [BlockedUserDto] })
  list(@CurrentUserEntity() me: UserEntity): Promise<BlockedUser[]> {
    return this.blocks.list(me.id);
  }

  @Post(':userId')
  @ApiUuidParam('userId', 'The user to block')
  @ApiOperation({
    summary: 'Block a user',
    description:
      'Ends your friendship and any pending request between you. Until you unblock them they cannot send you friend requests, ' +
      'open a direct room with you or post in one, nor see your presence; in rooms you share their messages are collapsed for you.',
  })
  @ApiCreatedResponse({ type: BlockedUserDto })
  @ApiErrors(404, 409)
  block(@CurrentUserEntity() me: UserEntity, @Param('userId', uuidParam('userId')) userId: string): Promise<BlockedUser> {
    return this.blocks.block(me.id, userId);
  }

  @Delete(':userId')
  @ApiUuidParam('userId', 'The user to unblock')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unblock a user', description: 'What the block ended does not come back: a friendship needs a new request.' })
  @ApiNoContentResponse({ description: 'Unblocked' })
  @ApiErrors(404)
  async unblock(@CurrentUserEntity() me: UserEntity, @Param('userId', uuidParam('userId')) userId: string): Promise<void> {
    await this.blocks.unblock(me.id, userId);
  }
}
