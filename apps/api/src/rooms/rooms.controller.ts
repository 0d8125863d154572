import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Page, PublicRoom, RoomDetail, RoomSummary } from '@parley/contracts';
import type { Response } from 'express';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { UserEntity } from '../users/user.entity';
import { DirectRoomsService } from './direct-rooms.service';
import { CreateDirectRoomDto, CreateRoomDto, PublicRoomQueryDto, TransferOwnershipDto, UpdateRoomDto } from './dto/room-requests.dto';
import { PublicRoomPageDto, RoomDetailDto, RoomSummaryDto } from './dto/room-responses.dto';
import { RoomMembersService } from './room-members.service';
import { toRoomDetail, toRoomSummary } from './rooms.mapper';
import { RoomsService } from './rooms.service';

@ApiTags('rooms')
@ApiAuth()
@Controller('rooms')
export class RoomsController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly directRooms: DirectRoomsService,
    private readonly roomMembers: RoomMembersService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Your rooms',
    description: 'Every room you are in, with unread count, last-message preview and your role, most recent activity first.',
  })
  @ApiOkResponse({ type: [RoomSummaryDto] })
  async list(@CurrentUserEntity() user: UserEntity): Promise<RoomSummary[]> {
    return (await this.rooms.listFor(user.id)).map(toRoomSummary);
  }

  @Post()
  @ApiOperation({
    summary: 'Create a room',
    description: 'A private group or a public room. You become its owner; `memberIds` (active users) are added at once.',
  })
  @ApiCreatedResponse({ type: RoomSummaryDto })
  async create(@CurrentUserEntity() user: UserEntity, @Body() body: CreateRoomDto): Promise<RoomSummary> {
    return toRoomSummary(await this.rooms.create(user, body));
  }

  @Post('direct')
  @ApiOperation({
    summary: 'Open a direct conversation',
    description:
      'The room you share with one other active user: 200 with the existing room, or 201 with a new one. With `encrypted: true`, the end-to-end encrypted one (a pair may have one of each).',
  })
  @ApiOkResponse({ type: RoomSummaryDto, description: 'The existing room' })
  @ApiCreatedResponse({ type: RoomSummaryDto, description: 'A new room' })
  @ApiErrors(404)
  async openDirect(
    @CurrentUserEntity() user: UserEntity,
    @Body() body: CreateDirectRoomDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RoomSummary> {
    const { view, created } = await this.directRooms.open(user, body.userId, body.encrypted === true);
    if (!created) res.status(HttpStatus.OK);
    return toRoomSummary(view);
  }

  @Get('public')
  @ApiOperation({
    summary: 'The public room directory',
    description: 'Public rooms that are not archived, matching `q` in name or topic, most recently active first, paginated.',
  })
  @ApiOkResponse({ type: PublicRoomPageDto })
  directory(@CurrentUserEntity() user: UserEntity, @Query() query: PublicRoomQueryDto): Promise<Page<PublicRoom>> {
    return this.rooms.directory(user.id, query.q, query.page, query.pageSize);
  }

  @Get(':id')
  @ApiUuidParam('id', 'The room')
  @ApiOperation({ summary: 'One room', description: 'A room you are in, with its owner. Rooms you are not in are 404.' })
  @ApiOkResponse({ type: RoomDetailDto })
  @ApiErrors(404)
  async get(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<RoomDetail> {
    return toRoomDetail(await this.rooms.viewFor(id, user.id));
  }

  @Patch(':id')
  @ApiUuidParam('id', 'The room')
  @ApiOperation({
    summary: 'Rename a room or change its topic',
    description: 'Owner or admins (instance admins in public rooms); not for direct rooms (400) or archived rooms (409).',
  })
  @ApiOkResponse({ type: RoomDetailDto })
  @ApiErrors(404, 409)
  async update(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string, @Body() body: UpdateRoomDto): Promise<RoomDetail> {
    return toRoomDetail(await this.rooms.update(id, user, body));
  }

  @Post(':id/join')
  @ApiUuidParam('id', 'The public room')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Join a public room',
    description: 'Idempotent: a member gets the room back. Archived rooms take nobody new (409); private rooms are 404.',
  })
  @ApiOkResponse({ type: RoomSummaryDto })
  @ApiErrors(404, 409)
  async join(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<RoomSummary> {
    return toRoomSummary(await this.roomMembers.join(id, user));
  }

  @Post(':id/leave')
  @ApiUuidParam('id', 'The room')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Leave a room',
    description:
      'Direct rooms and `general` cannot be left (400). The owner hands over first (409) unless they are the last member; ' +
      'a room left empty is archived.',
  })
  @ApiNoContentResponse({ description: 'Left' })
  @ApiErrors(404, 409)
  async leave(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.roomMembers.leave(id, user);
  }

  @Post(':id/transfer')
  @ApiUuidParam('id', 'The room')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Hand over ownership', description: 'The owner makes another member the owner and stays on as an admin.' })
  @ApiOkResponse({ type: RoomDetailDto })
  @ApiErrors(404)
  async transfer(
    @CurrentUserEntity() user: UserEntity,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: TransferOwnershipDto,
  ): Promise<RoomDetail> {
    return toRoomDetail(await this.roomMembers.transferOwnership(id, user, body.userId));
  }

  @Post(':id/archive')
  @ApiUuidParam('id', 'The room')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Archive a room',
    description: 'The owner makes the history read-only: no new messages, members, invites or renames. Idempotent.',
  })
  @ApiOkResponse({ type: RoomDetailDto })
  @ApiErrors(404)
  async archive(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<RoomDetail> {
    return toRoomDetail(await this.rooms.setArchived(id, user, true));
  }

  @Post(':id/unarchive')
  @ApiUuidParam('id', 'The room')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Unarchive a room', description: 'The owner opens an archived room for messages and members again. Idempotent.' })
  @ApiOkResponse({ type: RoomDetailDto })
  @ApiErrors(404)
  async unarchive(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<RoomDetail> {
    return toRoomDetail(await this.rooms.setArchived(id, user, false));
  }
}
