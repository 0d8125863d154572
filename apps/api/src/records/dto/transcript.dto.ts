import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TRANSCRIPT_FORMATS, TRANSCRIPT_MAX_DAYS, TranscriptFormat } from '@parley/contracts';
import { IsDefined, IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';

const FLAGS = ['true', 'false', '1', '0'];

export class TranscriptQueryDto {
  @ApiPropertyOptional({ enum: TRANSCRIPT_FORMATS, enumName: 'TranscriptFormat', default: TranscriptFormat.Markdown, description: 'Markdown, plain text, JSON or HTML' })
  @IsOptional()
  @IsIn(TRANSCRIPT_FORMATS, { message: `format must be one of: ${TRANSCRIPT_FORMATS.join(', ')}` })
  format?: TranscriptFormat;

  @ApiProperty({ format: 'date-time', description: `From this time (ISO 8601; a date alone means its start, UTC). The range covers at most ${TRANSCRIPT_MAX_DAYS} days.` })
  @IsDefined({ message: 'from is required' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or time' })
  from!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Up to (not including) this time; now when left out' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or time' })
  to?: string;

  @ApiPropertyOptional({ enum: FLAGS, default: 'false', description: '`true`: a zip of the transcript and the files the messages carry (`files/<id>/<name>`)' })
  @IsOptional()
  @IsIn(FLAGS, { message: 'files must be true or false' })
  files?: string;

  @ApiPropertyOptional({ default: 'UTC', example: 'Europe/Berlin', description: 'The IANA time zone the times are written in (the JSON keeps ISO instants)' })
  @IsOptional()
  @IsString({ message: 'tz must be text' })
  @MaxLength(64, { message: 'tz must be at most 64 characters' })
  tz?: string;
}
