import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CLIENT_MSG_ID_PATTERN,
  E2EE_CIPHERTEXT_MAX_LENGTH,
  E2EE_DEVICE_ID_PATTERN,
  EditMessageRequest,
  MEGOLM_ALGORITHM,
  EncryptedContent,
  HISTORY_PAGE_DEFAULT,
  HISTORY_PAGE_MAX,
  HistoryQuery,
  Message,
  ENCRYPTED_MESSAGE_UPLOADS_MAX,
  MESSAGE_ATTACHMENTS_MAX,
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
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateNested,
  ValidateIf,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { AttachmentDto } from '../../files/dto/files.dto';

/** A body with words, unless the message carries files (`attachmentIds` on a send). */
@ValidatorConstraint({ name: 'notBlank' })
class NotBlank implements ValidatorConstraintInterface {
  validate(v: unknown, args: ValidationArguments): boolean {
    if (typeof v !== 'string') return false;
    const { attachmentIds: files, encrypted } = args.object as { attachmentIds?: unknown; encrypted?: unknown };
    // In an encrypted room the words travel in the ciphertext: the body is empty.
    return v.trim().length > 0 || (Array.isArray(files) && files.length > 0) || (encrypted !== undefined && encrypted !== null);
  }
  defaultMessage(): string {
    return 'body must not be empty';
  }
}

const BODY_DOC = `Markdown (GFM) with a small inline-HTML vocabulary (see docs/messages.md); at most ${MESSAGE_MAX_LENGTH} characters. Stored as sent; clients render it through an allow-list sanitiser.`;

/** The body rules, shared by REST and socket payloads. `blankAllowed`: the service decides about an empty body. */
function BodyField(doc: string, blankAllowed = false): PropertyDecorator {
  return (target, key) => {
    ApiProperty({ description: doc, maxLength: MESSAGE_MAX_LENGTH, example: 'Hello **team** 👋' })(target, key);
    IsString({ message: 'body must be text' })(target, key);
    MaxLength(MESSAGE_MAX_LENGTH, { message: `body must be at most ${MESSAGE_MAX_LENGTH} characters` })(target, key);
    if (!blankAllowed) Validate(NotBlank)(target, key);
    PlainText('body')(target, key);
  };
}

const BASE64_32 = /^[A-Za-z0-9+/]{43}$/;
const BASE64 = /^[A-Za-z0-9+/]+$/;

/** A Megolm ciphertext as a client sends it (validated: the server can check its shape, never its content). */
export class EncryptedContentInputDto implements EncryptedContent {
  @ApiProperty({ enum: [MEGOLM_ALGORITHM], description: 'Always `m.megolm.v1.aes-sha2`' })
  @IsIn([MEGOLM_ALGORITHM], { message: `encrypted.algorithm must be "${MEGOLM_ALGORITHM}"` })
  algorithm!: string;

  @ApiProperty({ description: 'The Megolm ciphertext of the message content, unpadded base64', maxLength: E2EE_CIPHERTEXT_MAX_LENGTH })
  @IsString({ message: 'encrypted.ciphertext must be text' })
  @MaxLength(E2EE_CIPHERTEXT_MAX_LENGTH, { message: `encrypted.ciphertext must be at most ${E2EE_CIPHERTEXT_MAX_LENGTH} characters` })
  @Matches(BASE64, { message: 'encrypted.ciphertext must be unpadded base64' })
  ciphertext!: string;

  @ApiProperty({ description: "The sender device's Curve25519 key, unpadded base64 (43 characters)" })
  @IsString({ message: 'encrypted.senderKey must be text' })
  @Matches(BASE64_32, { message: 'encrypted.senderKey must be a 32-byte key in unpadded base64' })
  senderKey!: string;

  @ApiProperty({ description: 'The sending device', pattern: E2EE_DEVICE_ID_PATTERN.source })
  @IsString({ message: 'encrypted.senderDeviceId must be text' })
  @Matches(E2EE_DEVICE_ID_PATTERN, { message: 'encrypted.senderDeviceId must be a device id (10 capital letters)' })
  senderDeviceId!: string;

  @ApiProperty({ description: 'The Megolm session, unpadded base64 (43 characters)' })
  @IsString({ message: 'encrypted.sessionId must be text' })
  @Matches(BASE64_32, { message: 'encrypted.sessionId must be a Megolm session id (unpadded base64)' })
  sessionId!: string;
}

/** The optional `encrypted` field of sends and edits. */
function EncryptedField(): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({
      type: EncryptedContentInputDto,
      description: 'Required in an end-to-end encrypted room (with an empty `body`), refused in any other: the content encrypted on the sending device. See docs/e2ee.md.',
    })(target, key);
    IsOptional()(target, key);
    IsObject({ message: 'encrypted must be an object' })(target, key);
    ValidateNested()(target, key);
    Type(() => EncryptedContentInputDto)(target, key);
  };
}

export class SendMessageDto implements SendMessageRequest {
  @BodyField(`${BODY_DOC} May be empty when \`attachmentIds\` names files.`) body!: string;

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

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: ENCRYPTED_MESSAGE_UPLOADS_MAX,
    description: `Files to attach, in this order: ids of uploads you made into this room (tus at \`/api/uploads\` or \`POST /api/rooms/{roomId}/files\`) that are ready and not attached yet; at most ${MESSAGE_ATTACHMENTS_MAX}, or ${ENCRYPTED_MESSAGE_UPLOADS_MAX} in an end-to-end encrypted room (where each file may come with its encrypted thumbnail, an upload of its own). Each file is attached once.`,
  })
  @ValidateIf((_o: object, v: unknown) => v !== undefined)
  @IsUUID('all', { each: true, message: 'attachmentIds must hold file ids (UUIDs)' })
  @ArrayUnique({ message: 'attachmentIds must not name a file twice' })
  // The room's own limit (MESSAGE_ATTACHMENTS_MAX unless it is encrypted) is checked by MessagesService.
  @ArrayMaxSize(ENCRYPTED_MESSAGE_UPLOADS_MAX, { message: `attachmentIds may hold at most ${ENCRYPTED_MESSAGE_UPLOADS_MAX} uploads (in an end-to-end encrypted room; ${MESSAGE_ATTACHMENTS_MAX} files elsewhere)` })
  @IsArray({ message: 'attachmentIds must be a list of file ids' })
  attachmentIds?: string[];

  @EncryptedField() encrypted?: EncryptedContentInputDto;
}

export class SocketSendDto extends SendMessageDto {
  @IsUUID('all', { message: 'roomId must be a UUID' })
  roomId!: string;
}

export class EditMessageDto implements EditMessageRequest {
  @BodyField(`${BODY_DOC} May be empty only for a message that carries files, and must be empty in an encrypted room.`, true) body!: string;

  @EncryptedField() encrypted?: EncryptedContentInputDto;
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

  @SeqField(
    'around',
    'The message at this seq with up to limit/2 older ones and the rest newer, to open a message (a search result) in context; `hasMore` then tells of older messages and `hasNewer` of newer ones. A seq past the end gives the newest page. Use alone, without before or after.',
    true,
  )
  around?: number;

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

export class EncryptedContentDto implements EncryptedContent {
  @ApiProperty({ description: 'The scheme; the client picks its decryptor by it', example: 'm.megolm.v1.aes-sha2' }) algorithm!: string;
  @ApiProperty({ description: 'The encrypted message content (body and attachments with their keys), base64' }) ciphertext!: string;
  @ApiProperty({ description: "The sender device's Curve25519 key, unpadded base64" }) senderKey!: string;
  @ApiProperty() senderDeviceId!: string;
  @ApiProperty() sessionId!: string;
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
  @ApiProperty({
    type: [AttachmentDto],
    description: 'The files the message carries, in the order they were attached (empty for most messages; a message may be files with no text). Emptied when the message is deleted: its files are deleted with it.',
  })
  attachments!: AttachmentDto[];
  @ApiProperty({
    type: EncryptedContentDto,
    nullable: true,
    description:
      'Set in end-to-end encrypted rooms (null elsewhere, on tombstones and on system lines): the Megolm ciphertext of the content (body, files with their keys). `body` is then empty and `attachments` are reduced to id and size. See docs/e2ee.md.',
  })
  encrypted!: EncryptedContentDto | null;
}

export class MessagePageDto implements MessagePage {
  @ApiProperty({ type: [MessageDto], description: 'In ascending seq order' }) items!: MessageDto[];
  @ApiProperty({ description: 'More messages exist beyond this page in the direction asked (older ones, with around)' }) hasMore!: boolean;
  @ApiPropertyOptional({ description: 'With around only: newer messages follow this page' }) hasNewer?: boolean;
}

export class ReadStateDto {
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty() lastReadSeq!: number;
}
