import { AccessTokenEntity } from '../auth/access-token.entity';
import { LoginLockoutEntity } from '../auth/login-lockout.entity';
import { SessionEntity } from '../auth/session.entity';
import { EncryptionKeyEntity } from '../encryption/encryption-key.entity';
import { FileDiscardEntity } from '../files/file-discard.entity';
import { FileEntity } from '../files/file.entity';
import { FriendRequestEntity } from '../friends/friend-request.entity';
import { FriendshipEntity } from '../friends/friendship.entity';
import { UserBlockEntity } from '../friends/user-block.entity';
import { JobEntity } from '../jobs/job.entity';
import { MessageEntity } from '../messages/message.entity';
import { RoomInvitationEntity } from '../rooms/room-invitation.entity';
import { RoomInviteEntity } from '../rooms/room-invite.entity';
import { RoomMemberEntity } from '../rooms/room-member.entity';
import { RoomEntity } from '../rooms/room.entity';
import { UserEntity } from '../users/user.entity';

/** Every entity, listed once for the DataSource (each one lives with its feature module). */
import { CALENDAR_ENTITIES } from '../calendar/calendar.entities';
import { E2EE_ENTITIES } from '../e2ee/e2ee.entities';
import { RECORDS_ENTITIES } from '../records/records.entities';
import { RETENTION_ENTITIES } from '../retention/retention.entities';

export const entities = [UserEntity, SessionEntity, AccessTokenEntity, LoginLockoutEntity, RoomEntity, RoomMemberEntity, RoomInviteEntity, RoomInvitationEntity, MessageEntity, FriendRequestEntity, FriendshipEntity, UserBlockEntity, FileEntity, FileDiscardEntity, JobEntity, EncryptionKeyEntity, ...E2EE_ENTITIES, ...RETENTION_ENTITIES, ...RECORDS_ENTITIES, ...CALENDAR_ENTITIES];
