import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  MESSAGE_SEARCH_MAX_LENGTH,
  MESSAGE_SEARCH_MIN_LENGTH,
  MESSAGE_SEARCH_MIN_LENGTH_CJK,
  MESSAGE_SEARCH_PAGE_DEFAULT,
  MESSAGE_SEARCH_PAGE_MAX,
  MESSAGE_SEARCH_SNIPPET_MAX_LENGTH,
  RoomKind,
  SearchHas,
  SearchHighlight,
  SearchPage,
  SearchQuery,
  SearchResult,
  SearchResultRoom,
  SearchSnippet,
} from '@parley/contracts';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { MessageDto } from '../../messages/dto/messages.dto';

/** At most this many characters of cursor (it names a position per room that had results). */
export const SEARCH_CURSOR_MAX_LENGTH = 4096;

export class SearchQueryDto implements SearchQuery {
  @ApiProperty({
    minLength: MESSAGE_SEARCH_MIN_LENGTH_CJK,
    maxLength: MESSAGE_SEARCH_MAX_LENGTH,
    description: `What to find: a substring of a message's text (formatting ignored) or of the name of a file it carries; case and accents are ignored (\`cafe\` finds "Café"). At least ${MESSAGE_SEARCH_MIN_LENGTH} characters, or ${MESSAGE_SEARCH_MIN_LENGTH_CJK} Chinese, Japanese or Korean ones; at most ${MESSAGE_SEARCH_MAX_LENGTH}.`,
  })
  @IsDefined({ message: 'q is required' })
  @IsString({ message: 'q must be text' })
  @MaxLength(MESSAGE_SEARCH_MAX_LENGTH, { message: `q must be at most ${MESSAGE_SEARCH_MAX_LENGTH} characters` })
  q!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this room (one you are a member of; any other answers 404 like a missing room)' })
  @IsOptional()
  @IsUUID('all', { message: 'roomId must be a UUID' })
  roomId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only messages sent by this user' })
  @IsOptional()
  @IsUUID('all', { message: 'from must be a UUID' })
  from?: string;

  @ApiPropertyOptional({ enum: Object.values(SearchHas), enumName: 'SearchHas', description: '`file`: only messages that carry files' })
  @IsOptional()
  @IsIn(Object.values(SearchHas), { message: `has must be one of: ${Object.values(SearchHas).join(', ')}` })
  has?: SearchHas;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only messages sent at or after this time (ISO 8601; a date alone means its start, UTC; a time without a zone is UTC)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'after must be an ISO 8601 date or time' })
  after?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only messages sent before this time (ISO 8601; a date alone means its start, UTC; a time without a zone is UTC)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'before must be an ISO 8601 date or time' })
  before?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MESSAGE_SEARCH_PAGE_MAX, default: MESSAGE_SEARCH_PAGE_DEFAULT, description: 'Results per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(MESSAGE_SEARCH_PAGE_MAX, { message: `limit must be at most ${MESSAGE_SEARCH_PAGE_MAX}` })
  limit?: number;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page (opaque); the same q and filters as that page' })
  @IsOptional()
  @IsString({ message: 'cursor must be text' })
  @MaxLength(SEARCH_CURSOR_MAX_LENGTH, { message: 'cursor is not valid' })
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not valid' })
  cursor?: string;
}

export class SearchHighlightDto implements SearchHighlight {
  @ApiProperty({ description: 'Where the match starts in `text` (UTF-16 offset, as JavaScript counts)' }) start!: number;
  @ApiProperty({ description: 'Where the match ends (exclusive)' }) end!: number;
}

export class SearchSnippetDto implements SearchSnippet {
  @ApiProperty({ description: `About ${MESSAGE_SEARCH_SNIPPET_MAX_LENGTH} characters of plain text (formatting removed) around the first match, "…" where cut` })
  text!: string;
  @ApiProperty({ type: [SearchHighlightDto], description: 'The matches inside `text`' }) highlights!: SearchHighlightDto[];
}

export class SearchResultRoomDto implements SearchResultRoom {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: Object.values(RoomKind), enumName: 'RoomKind' }) kind!: RoomKind;
  @ApiProperty({ description: 'The room name; for direct rooms, the other member\u2019s display name' }) name!: string;
}

export class SearchResultDto implements SearchResult {
  @ApiProperty({ type: MessageDto }) message!: MessageDto;
  @ApiProperty({ type: SearchResultRoomDto }) room!: SearchResultRoomDto;
  @ApiProperty({ description: 'The sender\u2019s display name' }) senderName!: string;
  @ApiProperty({ enum: ['body', 'file'], description: 'Where the query was found: the text, or the name of a file the message carries' }) matchedIn!: 'body' | 'file';
  @ApiProperty({ type: String, nullable: true, description: 'The matching file\u2019s name when `matchedIn` is `file`' }) fileName!: string | null;
  @ApiProperty({ type: SearchSnippetDto }) snippet!: SearchSnippetDto;
  @ApiProperty({ description: 'The message\u2019s position in its room (open it with the history\u2019s `around=<seq>`)' }) seq!: number;
}

export class SearchPageDto implements SearchPage {
  @ApiProperty({ type: [SearchResultDto], description: 'Newest first' }) results!: SearchResultDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next (older) page; null at the end' }) nextCursor!: string | null;
  @ApiProperty({ description: 'True while the index is behind the newest messages (just after a start, or during a key rotation)' }) indexing!: boolean;
}
