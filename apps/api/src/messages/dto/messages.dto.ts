import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CLIENT_MSG_ID_PATTERN,
  EditMessageRequest,
  HISTORY_PAGE_DEFAULT,
  HISTORY_PAGE_MAX,
  HistoryQuery,
  Message,
  MESSAGE_MAX_LENGTH,
  MessageKind,
  MessagePage,
  RoomEvent,
  RoomEventType,
  RoomEventUser,
  SendMessageRequest,
} from '@parley/contracts';
import { Type } from 'class-transformer';
import { PlainText } from '../../common/field-rules';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

@ValidatorConstraint({ name: 'notBlank' })
class NotBlank implements ValidatorConstraintInterface {
  validate(v: unknown): boolean {
    return typeof v === 'string' && v.trim().length > 0;
  }
  defaultMessage(): string {
    return 'body must not be empty';
  }
}

const BODY_DOC = `Markdown (GFM) with a small inline-HTML vocabulary (see docs/messages.md); at most ${MESSAGE_MAX_LENGTH} characters. Stored as sent; clients render it through an allow-list sanitiser.`;

/** The body rules, shared by REST and socket payloads. */
function BodyField(): PropertyDecorator {
  return (target, key) => {
    ApiProperty({ description: BODY_DOC, maxLength: MESSAGE_MAX_LENGTH, example: 'Hello **team** 👋' })(target, key);
    IsString({ message: 'body must be text' })(target, key);
    MaxLength(MESSAGE_MAX_LENGTH, { message: `body must be at most ${MESSAGE_MAX_LENGTH} characters` })(target, key);
    Validate(NotBlank)(target, key);
    PlainText('body')(target, key);
  };
}

export class SendMessageDto implements SendMessageRequest {
  @BodyField() body!: string;

  @ApiProperty({
    description: 'Chosen by the client (a UUID is a good choice), unique per sender. Resending the same value returns the original message instead of a duplicate.',
    pattern: CLIENT_MSG_ID_PATTERN.source,
    maxLength: 64,
  })
  @IsString({ message: 'clientMsgId must be text' })
  @Matches(CLIENT_MSG_ID_PATTERN, { message: 'clientMsgId must be 1 to 64 letters, digits, "-" or "_"' })
  clientMsgId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The message this one replies to (in the same room)' })
  @IsOptional()
  @IsUUID('all', { message: 'replyToId must be a UUID' })
  replyToId?: string;
}

export class SocketSendDto extends SendMessageDto {
  @IsUUID('all', { message: 'roomId must be a UUID' })
  roomId!: string;
}

export class EditMessageDto implements EditMessageRequest {
  @BodyField() body!: string;
}

export class SocketEditDto extends EditMessageDto {
  @IsUUID('all', { message: 'messageId must be a UUID' })
  messageId!: string;
}

export class SocketDeleteDto {
  @IsUUID('all', { message: 'messageId must be a UUID' })
  messageId!: string;
}

const seqRule = (name: string) => [
  Type(() => Number),
  IsInt({ message: `${name} must be a whole number` }),
  Min(0, { message: `${name} must be at least 0` }),
  Max(Number.MAX_SAFE_INTEGER, { message: `${name} is too large` }),
];
function SeqField(name: string, description: string, optional: boolean): PropertyDecorator {
  return (target, key) => {
    (optional ? ApiPropertyOptional : ApiProperty)({ description, minimum: 0, type: Number })(target, key);
    if (optional) IsOptional()(target, key);
    for (const d of seqRule(name)) d(target, key);
  };
}

export class HistoryQueryDto implements HistoryQuery {
  @SeqField('before', 'Messages with a seq below this one (older); the newest page when neither cursor is given', true)
  before?: number;

  @SeqField('after', 'Messages with a seq above this one (newer). Use either before or after, not both.', true)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: HISTORY_PAGE_MAX, default: HISTORY_PAGE_DEFAULT, description: 'Messages per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(HISTORY_PAGE_MAX, { message: `limit must be at most ${HISTORY_PAGE_MAX}` })
  limit?: number;
}

export class ReadDto {
  @SeqField('seq', 'The highest seq the user has read (clamped to the room\u2019s last seq; never moves back)', false)
  seq!: number;
}

export class SocketReadDto extends ReadDto {
  @IsUUID('all', { message: 'roomId must be a UUID' })
  roomId!: string;
}

export class SocketRoomDto {
  @IsUUID('all', { message: 'roomId must be a UUID' })
  roomId!: string;
}

export class RoomEventUserDto implements RoomEventUser {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Their display name at the time' }) name!: string;
}

export class RoomEventDto implements RoomEvent {
  @ApiProperty({ enum: Object.values(RoomEventType), enumName: 'RoomEventType' }) type!: RoomEventType;
  @ApiProperty({ type: RoomEventUserDto, description: 'Who did it' }) actor!: RoomEventUserDto;
  @ApiPropertyOptional({ type: RoomEventUserDto, description: 'Whom it concerns (added, removed, new owner)' }) user?: RoomEventUserDto;
  @ApiPropertyOptional({ description: 'The new room name (renamed)' }) name?: string;
  @ApiPropertyOptional({ description: 'The new topic (topic_changed)' }) topic?: string;
}

export class MessageDto implements Message {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ description: 'Position in the room: goes up by one per message, with no gaps' }) seq!: number;
  @ApiProperty({ description: 'The room\u2019s change revision at this message\u2019s last change (creation, edit or deletion)' }) rev!: number;
  @ApiProperty({ format: 'uuid' }) senderId!: string;
  @ApiProperty({ description: 'Empty when deleted' }) body!: string;
  @ApiProperty() clientMsgId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) editedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Set on a deleted message (a tombstone)' }) deletedAt!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) replyToId!: string | null;
  @ApiProperty({ enum: Object.values(MessageKind), enumName: 'MessageKind', description: '`system`: a line the server wrote when the room changed (see `event`)' })
  kind!: MessageKind;
  @ApiProperty({ type: RoomEventDto, nullable: true, description: 'Set on system messages: what happened' }) event!: RoomEventDto | null;
}

export class MessagePageDto implements MessagePage {
  @ApiProperty({ type: [MessageDto], description: 'In ascending seq order' }) items!: MessageDto[];
  @ApiProperty({ description: 'More messages exist beyond this page in the direction asked' }) hasMore!: boolean;
}

export class ReadStateDto {
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty() lastReadSeq!: number;
}
