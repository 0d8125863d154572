import { ApiProperty } from '@nestjs/swagger';
import {
  AddMemberResult,
  InvitedRoom,
  InvitePreview,
  JoinedRoom,
  MessageKind,
  MessagePreview,
  Page,
  PublicRoom,
  RoomDetail,
  RoomInvitation,
  RoomInvite,
  RoomKind,
  RoomMember,
  RoomRole,
  RoomSummary,
} from '@parley/contracts';
import { PublicUserDto } from '../../users/dto/users.dto';

const roomRole = { enum: Object.values(RoomRole), enumName: 'RoomRole' };

export class MessagePreviewDto implements MessagePreview {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() seq!: number;
  @ApiProperty({ format: 'uuid' }) senderId!: string;
  @ApiProperty({ example: 'Ada Lovelace' }) senderName!: string;
  @ApiProperty({
    description:
      'Plain text, formatting removed, cut to about 140 characters; empty when deleted or from someone you blocked. A system message says what happened, from your side ("Ada added Bob", "Ada added you"); a message of files without words says what they are ("📷 Photo", "📷 3 photos", "📎 report.pdf", "📎 3 files").',
  })
  text!: string;
  @ApiProperty() deleted!: boolean;
  @ApiProperty({ description: 'From someone you blocked: the text is withheld' }) hidden!: boolean;
  @ApiProperty({ description: 'How many files the message carries (0 when deleted or from someone you blocked)' }) attachmentCount!: number;
  @ApiProperty({
    description: 'An end-to-end encrypted message: `text` is empty and the client computes the preview from the content it decrypts',
  })
  encrypted!: boolean;
  @ApiProperty({ enum: Object.values(MessageKind), enumName: 'MessageKind' }) kind!: MessageKind;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class RoomSummaryDto implements RoomSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: Object.values(RoomKind), enumName: 'RoomKind' }) kind!: RoomKind;
  @ApiProperty({ description: "For direct rooms: the other member's display name" }) name!: string;
  @ApiProperty() topic!: string;
  @ApiProperty({ nullable: true, type: String, description: '`general` for the default room' }) slug!: string | null;
  @ApiProperty(roomRole) myRole!: RoomRole;
  @ApiProperty() memberCount!: number;
  @ApiProperty({ description: 'Highest message seq (0 when empty)' }) lastSeq!: number;
  @ApiProperty({ description: 'Highest change revision' }) lastRev!: number;
  @ApiProperty({ description: 'Your last read seq' }) lastReadSeq!: number;
  @ApiProperty({ description: 'Messages from others after your last read seq that are not deleted, not system lines and not from people you blocked' })
  unreadCount!: number;
  @ApiProperty({ type: MessagePreviewDto, nullable: true }) lastMessage!: MessagePreviewDto | null;
  @ApiProperty({ format: 'date-time', description: 'Last message time, or creation time; the list is sorted by it' }) lastActivityAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) archivedAt!: string | null;
  @ApiProperty({ type: PublicUserDto, nullable: true, description: 'For direct rooms: the other member' }) peer!: PublicUserDto | null;
  @ApiProperty({ description: 'End-to-end encrypted (chosen at creation, never changed)' }) encrypted!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class RoomDetailDto extends RoomSummaryDto implements RoomDetail {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Null for direct rooms and `general`' }) ownerId!: string | null;
}

export class PublicRoomDto implements PublicRoom {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() topic!: string;
  @ApiProperty({ nullable: true, type: String }) slug!: string | null;
  @ApiProperty() memberCount!: number;
  @ApiProperty({ description: 'Whether you are a member' }) joined!: boolean;
  @ApiProperty({ format: 'date-time' }) lastActivityAt!: string;
}

export class PublicRoomPageDto implements Page<PublicRoom> {
  @ApiProperty({ type: [PublicRoomDto] }) items!: PublicRoomDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class RoomMemberDto implements RoomMember {
  @ApiProperty({ type: PublicUserDto }) user!: PublicUserDto;
  @ApiProperty(roomRole) role!: RoomRole;
  @ApiProperty({ format: 'date-time' }) joinedAt!: string;
  @ApiProperty({ description: 'The highest seq this member has read ("seen by")' }) lastReadSeq!: number;
}

export class RoomInviteDto implements RoomInvite {
  @ApiProperty({ description: 'The code, shown only in this response; join with POST /api/invites/{code}/join' }) code!: string;
  @ApiProperty({ format: 'uuid' }) roomId!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Null: unlimited' }) maxUses!: number | null;
  @ApiProperty() uses!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class JoinedRoomDto implements JoinedRoom {
  @ApiProperty({ type: RoomSummaryDto }) room!: RoomSummaryDto;
}

export class InvitedRoomDto implements InvitedRoom {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: Object.values(RoomKind), enumName: 'RoomKind' }) kind!: RoomKind;
  @ApiProperty() name!: string;
  @ApiProperty() topic!: string;
  @ApiProperty() memberCount!: number;
  @ApiProperty({ description: 'End-to-end encrypted' }) encrypted!: boolean;
}

export class InvitePreviewDto implements InvitePreview {
  @ApiProperty({ type: InvitedRoomDto }) room!: InvitedRoomDto;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ nullable: true, type: Boolean, description: 'Signed in: whether you are already a member. Null when not signed in.' }) joined!: boolean | null;
}

export class RoomInvitationDto implements RoomInvitation {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: InvitedRoomDto }) room!: InvitedRoomDto;
  @ApiProperty({ type: PublicUserDto }) invitee!: PublicUserDto;
  @ApiProperty({ type: PublicUserDto }) inviter!: PublicUserDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AddMemberResultDto implements AddMemberResult {
  @ApiProperty({ enum: ['added', 'already_member', 'invited'], description: '`invited`: they join only if they accept the invitation' })
  outcome!: 'added' | 'already_member' | 'invited';
  @ApiProperty({ type: RoomMemberDto, nullable: true, description: 'With `added` and `already_member`' }) member!: RoomMemberDto | null;
  @ApiProperty({ type: RoomInvitationDto, nullable: true, description: 'With `invited`' }) invitation!: RoomInvitationDto | null;
}
