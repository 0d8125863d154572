import { Message, UserRole } from '@parley/contracts';
import { randomBytes } from 'node:crypto';
import { RecordingEvents } from '../../events/testing/recording-events';
import { MessageEntity } from '../../messages/message.entity';
import { MessageWriter } from '../../messages/message-writer';
import { RoomActivity } from '../../messages/room-activity';
import { openTestDatabase, TestDatabase } from '../../testing/test-database';
import { UserEntity } from '../../users/user.entity';
import { DirectRoomsService } from '../direct-rooms.service';
import { GeneralRoomService } from '../general-room.service';
import { RoomAdmission } from '../room-admission';
import { RoomHistory } from '../room-history';
import { RoomInvitationEntity } from '../room-invitation.entity';
import { RoomInvitationsService } from '../room-invitations.service';
import { RoomInviteEntity } from '../room-invite.entity';
import { RoomInvitesService } from '../room-invites.service';
import { RoomMemberEntity } from '../room-member.entity';
import { RoomMembersService } from '../room-members.service';
import { RoomSummaryQueries } from '../room-summaries';
import { RoomEntity } from '../room.entity';
import { RoomsService } from '../rooms.service';
import { FriendshipEntity } from '../../friends/friendship.entity';
import { RelationsService } from '../../friends/relations.service';
import { UserBlockEntity } from '../../friends/user-block.entity';

/**
 * The rooms services wired as the module wires them, on a real migrated SQLite database, with a clock tests can
 * move; `events` keeps every domain event they raise.
 */
export interface RoomsKit {
  db: TestDatabase;
  events: RecordingEvents;
  clock: { now: Date };
  rooms: RoomsService;
  members: RoomMembersService;
  direct: DirectRoomsService;
  invites: RoomInvitesService;
  invitations: RoomInvitationsService;
  general: GeneralRoomService;
  makeUser(overrides?: Partial<UserEntity>): Promise<UserEntity>;
  /** Commits a message through the messages module's store (next seq and rev, counters, the sender's read marker). */
  postMessage(roomId: string, sender: UserEntity, body: string, opts?: { at?: Date; deleted?: boolean }): Promise<Message>;
  close(): Promise<void>;
}

let n = 0;

export async function openRoomsKit(): Promise<RoomsKit> {
  // Direct rooms between strangers: the friendship rule (DM_POLICY=friends) is tested with the friends module.
  const db = await openTestDatabase({ DM_POLICY: 'anyone' });
  const repo = db.dataSource.getRepository.bind(db.dataSource);
  const [roomRepo, memberRepo, userRepo] = [repo(RoomEntity), repo(RoomMemberEntity), repo(UserEntity)];
  const events = new RecordingEvents();
  const clock = { now: new Date('2030-01-01T12:00:00.000Z') };
  const relations = new RelationsService(repo(FriendshipEntity), repo(UserBlockEntity), db.config);
  const keys = await db.keys();
  const summaries = new RoomSummaryQueries(memberRepo, new RoomActivity(repo(MessageEntity), keys), relations);
  const store = new MessageWriter(db.dataSource, db.config, keys).store;
  const history = new RoomHistory(userRepo, events);
  const admission = new RoomAdmission(relations);
  const invitations = new RoomInvitationsService(repo(RoomInvitationEntity), memberRepo, events);
  const rooms = new RoomsService(roomRepo, memberRepo, userRepo, summaries, events, history, admission, invitations);
  const members = new RoomMembersService(roomRepo, memberRepo, userRepo, rooms, events, history, admission, invitations);
  const direct = new DirectRoomsService(roomRepo, userRepo, rooms, events, relations);
  const invites = new RoomInvitesService(repo(RoomInviteEntity), rooms, members, history, () => clock.now);
  const general = new GeneralRoomService(roomRepo, memberRepo, userRepo, members, events);

  return {
    db,
    events,
    clock,
    rooms,
    members,
    direct,
    invites,
    invitations,
    general,
    makeUser: async (overrides = {}) => {
      n++;
      const tag = `${n}${randomBytes(2).toString('hex')}`;
      return userRepo.save(
        userRepo.create({
          username: `member${tag}`,
          email: `member${tag}@example.com`,
          displayName: `Member ${n}`,
          passwordHash: '$argon2id$fake',
          role: UserRole.Member,
          statusText: '',
          deactivatedAt: null,
          lastLoginAt: null,
          ...overrides,
        }),
      );
    },
    postMessage: async (roomId, sender, body, opts = {}) => {
      const at = opts.at ?? new Date();
      const [sent] = await store.commitSends([{ roomId, senderId: sender.id, clientMsgId: randomBytes(8).toString('hex'), body, replyToId: null }], at);
      if (!sent.ok) throw new Error(`postMessage failed: ${sent.reason}`);
      if (!opts.deleted) return sent.message;
      const removed = await store.remove(sent.message.id, at);
      if (!removed.ok) throw new Error(`postMessage could not delete: ${removed.reason}`);
      return removed.message;
    },
    close: () => db.close(),
  };
}
