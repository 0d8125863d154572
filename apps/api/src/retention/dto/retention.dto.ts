import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import {
  CreateLegalHoldRequest,
  LEGAL_HOLD_REASON_MAX_LENGTH,
  LegalHold,
  LegalHoldKind,
  RETENTION_DAYS_MAX,
  RetentionPolicy,
  RetentionReport,
  RetentionRoomChoice,
  RoomRetention,
  SetRoomRetentionRequest,
  UpdateRetentionPolicyRequest,
} from '@parley/contracts';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';

const DAYS = `Whole days, 1 to ${RETENTION_DAYS_MAX}`;

/** A retention period: whole days in range, or null (documented with `description`). */
function RetentionDays(description: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: 'integer', nullable: true, minimum: 1, maximum: RETENTION_DAYS_MAX, description }),
    ValidateIf((_, v) => v !== null),
    IsDefined({ message: 'days is required (a number, or null)' }),
    IsInt({ message: 'days must be a whole number' }),
    Min(1, { message: 'days must be at least 1' }),
    Max(RETENTION_DAYS_MAX, { message: `days must be at most ${RETENTION_DAYS_MAX}` }),
  );
}

export class UpdateRetentionPolicyDto implements UpdateRetentionPolicyRequest {
  @ApiProperty({ description: 'Whether passes run (hourly). Nothing is removed while it is false; the dry run works either way.' })
  @IsDefined({ message: 'enabled is required' })
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled!: boolean;

  @RetentionDays(`${DAYS}: messages and their files older than this go; null: none do, except in rooms with their own period`)
  days!: number | null;
}

export class SetRoomRetentionDto implements SetRoomRetentionRequest {
  @RetentionDays(`${DAYS} for this room instead of the global period; null keeps everything in it`)
  days!: number | null;
}

export class CreateLegalHoldDto implements CreateLegalHoldRequest {
  @ApiProperty({ enum: Object.values(LegalHoldKind), enumName: 'LegalHoldKind', description: '`user`: nothing they sent is removed; `room`: nothing in the room is' })
  @IsIn(Object.values(LegalHoldKind), { message: `kind must be one of: ${Object.values(LegalHoldKind).join(', ')}` })
  kind!: LegalHoldKind;

  @ApiProperty({ format: 'uuid', description: 'The user or room' })
  @IsUUID('all', { message: 'targetId must be a UUID' })
  targetId!: string;

  @ApiProperty({ maxLength: LEGAL_HOLD_REASON_MAX_LENGTH, description: 'Why (a case or request reference), for the record' })
  @IsString({ message: 'reason must be text' })
  @MinLength(1, { message: 'reason is required' })
  @MaxLength(LEGAL_HOLD_REASON_MAX_LENGTH, { message: `reason must be at most ${LEGAL_HOLD_REASON_MAX_LENGTH} characters` })
  reason!: string;
}

class PersonDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class LegalHoldDto implements LegalHold {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: Object.values(LegalHoldKind), enumName: 'LegalHoldKind' }) kind!: LegalHoldKind;
  @ApiProperty({ format: 'uuid' }) targetId!: string;
  @ApiProperty({ description: 'The user\u2019s display name or the room\u2019s name' }) targetName!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: PersonDto }) @Type(() => PersonDto) createdBy!: PersonDto;
}

export class RoomRetentionDto implements RoomRetention {
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty() roomName!: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Days; null keeps everything' }) days!: number | null;
}

class ReportRoomDto {
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty() roomName!: string;
  @ApiProperty({ type: 'integer' }) days!: number;
  @ApiProperty({ format: 'date-time', description: 'Messages sent before this go' }) cutoff!: string;
  @ApiProperty({ type: 'integer' }) messages!: number;
  @ApiProperty({ type: 'integer' }) files!: number;
}

export class RetentionReportDto implements RetentionReport {
  @ApiProperty({ description: 'True for a dry run (nothing was removed)' }) dryRun!: boolean;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: 'integer' }) messages!: number;
  @ApiProperty({ type: 'integer' }) files!: number;
  @ApiProperty({ type: [ReportRoomDto] }) rooms!: ReportRoomDto[];
  @ApiProperty({ type: 'integer', description: 'Rooms left alone because of a legal hold' }) heldRooms!: number;
}

export class RetentionRoomsQueryDto {
  @ApiProperty({ required: false, maxLength: 100, description: 'Part of the room’s name (case ignored); empty lists the first rooms' })
  @IsOptional()
  @IsString({ message: 'q must be text' })
  @MaxLength(100, { message: 'q must be at most 100 characters' })
  q?: string;
}

export class RetentionRoomChoiceDto implements RetentionRoomChoice {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: '`group` or `public`' }) kind!: string;
  @ApiProperty() archived!: boolean;
}

export class RetentionPolicyDto implements RetentionPolicy {
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) days!: number | null;
  @ApiProperty({ type: [RoomRetentionDto] }) rooms!: RoomRetentionDto[];
  @ApiProperty({ type: [LegalHoldDto] }) holds!: LegalHoldDto[];
  @ApiProperty({ type: RetentionReportDto, nullable: true }) lastRun!: RetentionReportDto | null;
}
