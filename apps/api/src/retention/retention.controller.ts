import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LegalHold, RetentionPolicy, RetentionReport, RetentionRoomChoice, UserRole } from '@parley/contracts';
import { CurrentUserEntity, RequireRole } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { UserEntity } from '../users/user.entity';
import {
  CreateLegalHoldDto,
  LegalHoldDto,
  RetentionPolicyDto,
  RetentionReportDto,
  RetentionRoomChoiceDto,
  RetentionRoomsQueryDto,
  SetRoomRetentionDto,
  UpdateRetentionPolicyDto,
} from './dto/retention.dto';
import { RetentionService } from './retention.service';

@ApiTags('admin')
@ApiAuth()
@RequireRole(UserRole.Admin)
@Controller('admin/retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Get()
  @ApiOperation({ summary: 'Read the retention policy', description: 'The global policy, rooms\u2019 own periods, legal holds and the last pass (admins only).' })
  @ApiOkResponse({ type: RetentionPolicyDto })
  @ApiErrors(400)
  policy(): Promise<RetentionPolicy> {
    return this.retention.policy();
  }

  @Put()
  @ApiOperation({
    summary: 'Set the global retention policy',
    description: 'Messages of people (not system lines) older than `days`, with their files, are removed hourly while `enabled`, leaving tombstones so clients sync and seq stays gapless. Legal holds and archived rooms are left alone. Check the dry run first.',
  })
  @ApiOkResponse({ type: RetentionPolicyDto })
  @ApiErrors(400)
  setPolicy(@CurrentUserEntity() admin: UserEntity, @Body() body: UpdateRetentionPolicyDto): Promise<RetentionPolicy> {
    return this.retention.setPolicy(admin.id, body);
  }

  @Put('rooms/:roomId')
  @ApiUuidParam('roomId', 'The room')
  @ApiOperation({ summary: 'Set a room\u2019s own retention period', description: 'Instead of the global period: a number of days, or null to keep everything in the room.' })
  @ApiOkResponse({ type: RetentionPolicyDto })
  @ApiErrors(400, 404)
  setRoom(@CurrentUserEntity() admin: UserEntity, @Param('roomId', uuidParam('roomId')) roomId: string, @Body() body: SetRoomRetentionDto): Promise<RetentionPolicy> {
    return this.retention.setRoom(admin.id, roomId, body.days);
  }

  @Delete('rooms/:roomId')
  @ApiUuidParam('roomId', 'The room')
  @ApiOperation({ summary: 'Remove a room\u2019s own period', description: 'The room follows the global policy again.' })
  @ApiOkResponse({ type: RetentionPolicyDto })
  @ApiErrors(400, 404)
  clearRoom(@CurrentUserEntity() admin: UserEntity, @Param('roomId', uuidParam('roomId')) roomId: string): Promise<RetentionPolicy> {
    return this.retention.clearRoom(admin.id, roomId);
  }

  @Post('holds')
  @ApiOperation({ summary: 'Put a user or a room on legal hold', description: 'Retention removes nothing the user sent, or nothing in the room, until the hold is lifted.' })
  @ApiCreatedResponse({ type: LegalHoldDto })
  @ApiErrors(400, 409)
  addHold(@CurrentUserEntity() admin: UserEntity, @Body() body: CreateLegalHoldDto): Promise<LegalHold> {
    return this.retention.addHold(admin.id, body);
  }

  @Delete('holds/:id')
  @HttpCode(204)
  @ApiUuidParam('id', 'The hold')
  @ApiOperation({ summary: 'Lift a legal hold', description: 'Retention may remove what the hold kept from the next pass on.' })
  @ApiNoContentResponse({ description: 'Lifted' })
  @ApiErrors(400, 404)
  removeHold(@CurrentUserEntity() admin: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.retention.removeHold(admin.id, id);
  }

  @Get('rooms')
  @ApiOperation({ summary: 'Find rooms', description: 'Group and public rooms whose name holds `q`, at most 20: what a room’s own period or a hold can be set on (direct conversations are held through a person).' })
  @ApiOkResponse({ type: [RetentionRoomChoiceDto] })
  @ApiErrors(400)
  rooms(@Query() query: RetentionRoomsQueryDto): Promise<RetentionRoomChoice[]> {
    return this.retention.findRooms(query.q ?? '');
  }

  @Get('preview')
  @ApiOperation({ summary: 'Dry run', description: 'What a pass would remove now, per room (whether or not retention is on); nothing is removed.' })
  @ApiOkResponse({ type: RetentionReportDto })
  @ApiErrors(400)
  preview(): Promise<RetentionReport> {
    return this.retention.preview();
  }

  @Post('run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a pass now', description: 'Removes what the dry run reports, without waiting for the hourly pass. 409 while retention is off.' })
  @ApiOkResponse({ type: RetentionReportDto })
  @ApiErrors(400, 409)
  run(@CurrentUserEntity() admin: UserEntity): Promise<RetentionReport> {
    return this.retention.runNow(admin.id);
  }
}
