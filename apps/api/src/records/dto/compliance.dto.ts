import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AuditAction, AuditEntry, COMPLIANCE_EXPORT_IDS_MAX, ComplianceExport, ComplianceExportStatus, CreateComplianceExportRequest } from '@parley/contracts';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsInt, IsISO8601, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class CreateComplianceExportDto implements CreateComplianceExportRequest {
  @ApiProperty({ format: 'date-time', description: 'From this time (ISO 8601)' })
  @IsDefined({ message: 'from is required' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or time' })
  from!: string;

  @ApiProperty({ format: 'date-time', description: 'Up to (not including) this time; at most 3,660 days after `from`' })
  @IsDefined({ message: 'to is required' })
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or time' })
  to!: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: COMPLIANCE_EXPORT_IDS_MAX, description: 'Only these rooms (all when left out)' })
  @IsOptional()
  @IsArray({ message: 'roomIds must be a list' })
  @ArrayMaxSize(COMPLIANCE_EXPORT_IDS_MAX, { message: `roomIds may name at most ${COMPLIANCE_EXPORT_IDS_MAX} rooms` })
  @IsUUID('all', { each: true, message: 'roomIds must be UUIDs' })
  roomIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: COMPLIANCE_EXPORT_IDS_MAX, description: 'Only messages these people sent (everyone\u2019s when left out)' })
  @IsOptional()
  @IsArray({ message: 'userIds must be a list' })
  @ArrayMaxSize(COMPLIANCE_EXPORT_IDS_MAX, { message: `userIds may name at most ${COMPLIANCE_EXPORT_IDS_MAX} people` })
  @IsUUID('all', { each: true, message: 'userIds must be UUIDs' })
  userIds?: string[];

  @ApiPropertyOptional({ default: true, description: 'Put the files the messages carry in the zip' })
  @IsOptional()
  @IsBoolean({ message: 'includeFiles must be true or false' })
  includeFiles?: boolean;
}

class PersonDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

class ProgressDto {
  @ApiProperty({ type: 'integer' }) rooms!: number;
  @ApiProperty({ type: 'integer' }) roomsDone!: number;
  @ApiProperty({ type: 'integer' }) messages!: number;
  @ApiProperty({ type: 'integer' }) files!: number;
}

export class ComplianceExportDto implements ComplianceExport {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: PersonDto }) @Type(() => PersonDto) requestedBy!: PersonDto;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: [String], nullable: true }) roomIds!: string[] | null;
  @ApiProperty({ type: [String], nullable: true }) userIds!: string[] | null;
  @ApiProperty() includeFiles!: boolean;
  @ApiProperty({ enum: Object.values(ComplianceExportStatus), enumName: 'ComplianceExportStatus' }) status!: ComplianceExportStatus;
  @ApiProperty({ type: ProgressDto }) progress!: ProgressDto;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The zip\u2019s size in bytes, once done' }) size!: number | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}

export class AuditQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50, description: 'Entries per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(100, { message: 'limit must be at most 100' })
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'The last entry of the previous page' })
  @IsOptional()
  @IsUUID('all', { message: 'before must be a UUID' })
  before?: string;
}

export class AuditEntryDto implements AuditEntry {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: PersonDto }) actor!: PersonDto;
  @ApiProperty({ enum: Object.values(AuditAction), enumName: 'AuditAction' }) action!: AuditAction;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What it was about (ids, ranges, counts)' }) details!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
