import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AddMemberRequest,
  ChangeRoleRequest,
  CreateDirectRoomRequest,
  CreateInviteRequest,
  CreateRoomRequest,
  INVITE_MAX_USES_MAX,
  INVITE_TTL_HOURS_DEFAULT,
  INVITE_TTL_HOURS_MAX,
  ROOM_INITIAL_MEMBERS_MAX,
  ROOM_NAME_MAX_LENGTH,
  ROOM_TOPIC_MAX_LENGTH,
  SEARCH_QUERY_MAX_LENGTH,
  TransferOwnershipRequest,
  UpdateRoomRequest,
} from '@parley/contracts';
import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../common/paging';
import { PlainLine, Presence, presence, trimmed } from '../../common/field-rules';

/** A room name: trimmed, 1–80 characters. */
export function RoomNameField(opts: Presence = {}) {
  return applyDecorators(
    ...presence('name', opts, { example: 'Release planning', minLength: 1, maxLength: ROOM_NAME_MAX_LENGTH }),
    trimmed(),
    IsString({ message: 'name must be text' }),
    Length(1, ROOM_NAME_MAX_LENGTH, { message: `name must be 1 to ${ROOM_NAME_MAX_LENGTH} characters` }),
    PlainLine('name'),
  );
}

/** A room topic: trimmed, up to 250 characters; empty clears it. */
export function RoomTopicField() {
  return applyDecorators(
    ...presence('topic', { optional: true }, { example: 'What ships on Friday', maxLength: ROOM_TOPIC_MAX_LENGTH }),
    trimmed(),
    IsString({ message: 'topic must be text' }),
    MaxLength(ROOM_TOPIC_MAX_LENGTH, { message: `topic must be at most ${ROOM_TOPIC_MAX_LENGTH} characters` }),
    PlainLine('topic'),
  );
}

/** A required user id in a body. */
export function UserIdField(description: string) {
  return applyDecorators(
    ApiProperty({ format: 'uuid', description }),
    IsDefined({ message: 'userId is required' }),
    IsUUID('all', { message: 'userId must be a UUID' }),
  );
}

export class CreateRoomDto implements CreateRoomRequest {
  @ApiProperty({ enum: ['group', 'public'], description: '`group`: private, members are added or invited; `public`: listed, anyone may join' })
  @IsDefined({ message: 'kind is required' })
  @IsIn(['group', 'public'], { message: 'kind must be "group" or "public"' })
  kind!: 'group' | 'public';

  @RoomNameField() name!: string;
  @RoomTopicField() topic?: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'uuid',
    isArray: true,
    maxItems: ROOM_INITIAL_MEMBERS_MAX,
    description: 'Active users to add at once (duplicates and your own id are ignored)',
  })
  @IsOptional()
  @IsArray({ message: 'memberIds must be a list of user ids' })
  @ArrayMaxSize(ROOM_INITIAL_MEMBERS_MAX, { message: `memberIds may name at most ${ROOM_INITIAL_MEMBERS_MAX} users` })
  @IsUUID('all', { each: true, message: 'memberIds must contain only UUIDs' })
  memberIds?: string[];

  @ApiPropertyOptional({ description: 'End-to-end encrypted, for good (groups only: a public room is refused)', default: false })
  @IsOptional()
  @IsBoolean({ message: 'encrypted must be true or false' })
  encrypted?: boolean;
}

export class CreateDirectRoomDto implements CreateDirectRoomRequest {
  @UserIdField('The other person') userId!: string;

  @ApiPropertyOptional({ description: 'The end-to-end encrypted conversation with them (a pair may have one plain and one encrypted)', default: false })
  @IsOptional()
  @IsBoolean({ message: 'encrypted must be true or false' })
  encrypted?: boolean;
}

export class UpdateRoomDto implements UpdateRoomRequest {
  @RoomNameField({ optional: true }) name?: string;
  @RoomTopicField() topic?: string;
}

export class AddMemberDto implements AddMemberRequest {
  @UserIdField('The user to add') userId!: string;
}

export class ChangeRoleDto implements ChangeRoleRequest {
  @ApiProperty({ enum: ['admin', 'member'], description: 'Admins rename the room, add and remove members and make invite links' })
  @IsDefined({ message: 'role is required' })
  @IsIn(['admin', 'member'], { message: 'role must be "admin" or "member"' })
  role!: 'admin' | 'member';
}

export class TransferOwnershipDto implements TransferOwnershipRequest {
  @UserIdField('The member who becomes the owner') userId!: string;
}

export class CreateInviteDto implements CreateInviteRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: INVITE_TTL_HOURS_MAX, default: INVITE_TTL_HOURS_DEFAULT, description: 'Hours until the code stops working' })
  @IsOptional()
  @IsInt({ message: 'ttlHours must be a whole number' })
  @Min(1, { message: 'ttlHours must be at least 1' })
  @Max(INVITE_TTL_HOURS_MAX, { message: `ttlHours must be at most ${INVITE_TTL_HOURS_MAX}` })
  ttlHours?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: INVITE_MAX_USES_MAX, description: 'How many people may join with it; unlimited when absent' })
  @IsOptional()
  @IsInt({ message: 'maxUses must be a whole number' })
  @Min(1, { message: 'maxUses must be at least 1' })
  @Max(INVITE_MAX_USES_MAX, { message: `maxUses must be at most ${INVITE_MAX_USES_MAX}` })
  maxUses?: number;
}

export class PublicRoomQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Matches the room name or topic', maxLength: SEARCH_QUERY_MAX_LENGTH })
  @IsOptional()
  @IsString({ message: 'q must be text' })
  @MaxLength(SEARCH_QUERY_MAX_LENGTH, { message: `q must be at most ${SEARCH_QUERY_MAX_LENGTH} characters` })
  q?: string;
}
