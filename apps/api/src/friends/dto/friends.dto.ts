import { ApiProperty } from '@nestjs/swagger';
import {
  BlockedUser,
  Friend,
  FriendRequest,
  FriendRequestList,
  Page,
  Person,
  Presence,
  PresenceStatus,
  Relation,
  SendFriendRequestRequest,
  SendFriendRequestResult,
} from '@parley/contracts';
import { IsDefined, IsUUID } from 'class-validator';
import { PublicUserDto } from '../../users/dto/users.dto';

export class PresenceDto implements Presence {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ enum: Object.values(PresenceStatus), enumName: 'PresenceStatus' }) status!: PresenceStatus;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the last connection closed; null while connected or never seen' })
  lastSeenAt!: string | null;
}

export class FriendDto implements Friend {
  @ApiProperty({ type: PublicUserDto }) user!: PublicUserDto;
  @ApiProperty({ type: PresenceDto }) presence!: PresenceDto;
  @ApiProperty({ format: 'date-time', description: 'When you became friends' }) since!: string;
}

export class FriendRequestDto implements FriendRequest {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: PublicUserDto, description: 'Who asked' }) from!: PublicUserDto;
  @ApiProperty({ type: PublicUserDto, description: 'Who was asked' }) to!: PublicUserDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class FriendRequestListDto implements FriendRequestList {
  @ApiProperty({ type: [FriendRequestDto], description: 'Requests others sent you, newest first' }) incoming!: FriendRequestDto[];
  @ApiProperty({ type: [FriendRequestDto], description: 'Requests you sent, newest first' }) outgoing!: FriendRequestDto[];
}

export class SendFriendRequestDto implements SendFriendRequestRequest {
  @ApiProperty({ format: 'uuid', description: 'The user to ask' })
  @IsDefined({ message: 'userId is required' })
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId!: string;
}

export class SendFriendRequestResultDto implements SendFriendRequestResult {
  @ApiProperty({
    enum: ['requested', 'friends'],
    enumName: 'SendFriendRequestOutcome',
    description: '`requested`: a new pending request; `friends`: they had asked you already, so you are friends now',
  })
  outcome!: 'requested' | 'friends';
  @ApiProperty({ type: FriendRequestDto, nullable: true }) request!: FriendRequestDto | null;
  @ApiProperty({ type: FriendDto, nullable: true }) friend!: FriendDto | null;
}

export class BlockedUserDto implements BlockedUser {
  @ApiProperty({ type: PublicUserDto }) user!: PublicUserDto;
  @ApiProperty({ format: 'date-time' }) blockedAt!: string;
}

export class PersonDto implements Person {
  @ApiProperty({ type: PublicUserDto }) user!: PublicUserDto;
  @ApiProperty({ enum: Object.values(Relation), enumName: 'Relation', description: 'How they stand to you' }) relation!: Relation;
  @ApiProperty({ description: 'Whether you may open a direct conversation with them (and add them to a group rather than invite them)' })
  canMessage!: boolean;
}

export class PersonPageDto implements Page<Person> {
  @ApiProperty({ type: [PersonDto] }) items!: PersonDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
