import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Message, MessagePage } from '@parley/contracts';
import type { Response } from 'express';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { UserEntity } from '../users/user.entity';
import { EditMessageDto, HistoryQueryDto, MessageDto, MessagePageDto, ReadDto, ReadStateDto, SendMessageDto } from './dto/messages.dto';
import { MessagesService } from './messages.service';
import { errors } from '../common/errors';

@ApiTags('messages')
@ApiAuth()
@Controller()
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get('rooms/:id/messages')
  @ApiUuidParam('id', 'The room')
  @ApiOperation({
    summary: 'Read a room\u2019s history',
    description:
      'Keyset pagination on seq: no cursor gives the newest page; `before=<seq>` pages back, `after=<seq>` pages forward; `around=<seq>` opens the history at one message (a search result), with `hasNewer` telling whether newer messages follow. Items are always in ascending seq order; deleted messages appear as tombstones.',
  })
  @ApiOkResponse({ type: MessagePageDto })
  @ApiErrors(404)
  history(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) roomId: string, @Query() query: HistoryQueryDto): Promise<MessagePage> {
    if (query.before !== undefined && query.after !== undefined) {
      throw errors.validation('after', 'Use either before or after, not both');
    }
    if (query.around !== undefined && (query.before !== undefined || query.after !== undefined)) {
      throw errors.validation('around', 'Use around alone, without before or after');
    }
    return this.messages.history(user, roomId, query);
  }

  @Post('rooms/:id/messages')
  @ApiUuidParam('id', 'The room')
  @ApiOperation({
    summary: 'Send a message',
    description:
      'The same rules and live fan-out as the socket event `message:send`. Answers 201 once the message is committed; resending the same clientMsgId answers 200 with the original message (same id and seq), never a duplicate. Counts against the per-user send rate (429 with Retry-After).',
  })
  @ApiCreatedResponse({ type: MessageDto, description: 'Stored and delivered to the room' })
  @ApiOkResponse({ type: MessageDto, description: 'Already stored earlier under this clientMsgId: the original' })
  @ApiErrors(404, 409)
  async send(
    @CurrentUserEntity() user: UserEntity,
    @Param('id', uuidParam('id')) roomId: string,
    @Body() body: SendMessageDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Message> {
    const { message, created } = await this.messages.send(user, roomId, body);
    res.status(created ? 201 : 200);
    return message;
  }

  @Post('rooms/:id/read')
  @HttpCode(200)
  @ApiUuidParam('id', 'The room')
  @ApiOperation({
    summary: 'Mark a room read up to a seq',
    description: 'Moves your read marker forward (never back); unread counts and read receipts come from it. Members see a `receipt` event.',
  })
  @ApiOkResponse({ type: ReadStateDto })
  @ApiErrors(404)
  async read(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) roomId: string, @Body() body: ReadDto): Promise<ReadStateDto> {
    return { roomId, lastReadSeq: await this.messages.markRead(user, roomId, body.seq) };
  }

  @Patch('messages/:id')
  @ApiUuidParam('id', 'The message')
  @ApiOperation({ summary: 'Edit your message', description: 'Replaces the body and sets editedAt; members get `message:updated`. Archived rooms are read-only (409).' })
  @ApiOkResponse({ type: MessageDto })
  @ApiErrors(404, 409)
  edit(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string, @Body() body: EditMessageDto): Promise<Message> {
    return this.messages.edit(user, id, body.body, body.encrypted);
  }

  @Delete('messages/:id')
  @ApiUuidParam('id', 'The message')
  @ApiOperation({
    summary: 'Delete a message',
    description:
      'Your own messages; room owners and admins may delete any. The message stays as a tombstone (empty body, deletedAt set) so every client can sync the deletion; members get `message:deleted`. Deleting twice answers the tombstone again.',
  })
  @ApiOkResponse({ type: MessageDto, description: 'The tombstone' })
  @ApiErrors(404, 409)
  remove(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<Message> {
    return this.messages.remove(user, id);
  }
}
