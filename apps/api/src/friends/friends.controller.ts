import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Friend, FriendRequestList, SendFriendRequestResult } from '@parley/contracts';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { UserEntity } from '../users/user.entity';
import { FriendDto, FriendRequestListDto, SendFriendRequestDto, SendFriendRequestResultDto } from './dto/friends.dto';
import { FriendsService } from './friends.service';

@ApiTags('friends')
@ApiAuth()
@Controller('friends')
export class FriendsController {
  constructor(private readonly friends: FriendsService) {}

  @Get()
  @ApiOperation({ summary: 'Your friends', description: 'Every friend with their profile, presence and since when, by name.' })
  @ApiOkResponse({ type: [FriendDto] })
  list(@CurrentUserEntity() me: UserEntity): Promise<Friend[]> {
    return this.friends.list(me.id);
  }

  @Get('requests')
  @ApiOperation({ summary: 'Pending friend requests', description: 'Requests others sent you (`incoming`) and those you sent (`outgoing`), newest first.' })
  @ApiOkResponse({ type: FriendRequestListDto })
  requests(@CurrentUserEntity() me: UserEntity): Promise<FriendRequestList> {
    return this.friends.pending(me.id);
  }

  @Post('requests')
  @ApiOperation({
    summary: 'Send a friend request',
    description:
      'Asks a user to be friends; both of you see it live (`friend:request`). If they had already asked you, their request is ' +
      'accepted instead (`outcome: friends`). Refused for yourself (400), an unknown user (404), a deactivated user or when ' +
      'either of you blocked the other (403), and for friends or a request already pending (409).',
  })
  @ApiCreatedResponse({ type: SendFriendRequestResultDto })
  @ApiErrors(404, 409)
  send(@CurrentUserEntity() me: UserEntity, @Body() body: SendFriendRequestDto): Promise<SendFriendRequestResult> {
    return this.friends.send(me, body.userId);
  }

  @Post('requests/:id/accept')
  @ApiUuidParam('id', 'The request')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept a friend request', description: 'Only its recipient may. You are friends at once; both of you get `friend:accepted`.' })
  @ApiOkResponse({ type: FriendDto, description: 'The new friend' })
  @ApiErrors(404)
  accept(@CurrentUserEntity() me: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<Friend> {
    return this.friends.accept(me, id);
  }

  @Post('requests/:id/decline')
  @ApiUuidParam('id', 'The request')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Decline a friend request',
    description: 'Only its recipient may. The sender sees the request disappear (`friend:request-removed`), nothing more, and may ask again later.',
  })
  @ApiNoContentResponse({ description: 'Declined' })
  @ApiErrors(404)
  async decline(@CurrentUserEntity() me: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.friends.decline(me.id, id);
  }

  @Delete('requests/:id')
  @ApiUuidParam('id', 'The request')
  @HttpCode(204)
  @ApiOperation({ summary: 'Withdraw a friend request', description: 'Only its sender may; it disappears for both sides (`friend:request-removed`).' })
  @ApiNoContentResponse({ description: 'Withdrawn' })
  @ApiErrors(404)
  async cancel(@CurrentUserEntity() me: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.friends.cancel(me.id, id);
  }

  @Delete(':userId')
  @ApiUuidParam('userId', 'The friend')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unfriend', description: 'Ends the friendship; both of you get `friend:removed`.' })
  @ApiNoContentResponse({ description: 'No longer friends' })
  @ApiErrors(404)
  async unfriend(@CurrentUserEntity() me: UserEntity, @Param('userId', uuidParam('userId')) userId: string): Promise<void> {
    await this.friends.unfriend(me.id, userId);
  }
}
