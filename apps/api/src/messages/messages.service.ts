import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  EncryptedContent,
  Message,
  MESSAGE_ATTACHMENTS_MAX,
  MessageKind,
  MessagePage,
  RoomRole,
  SYNC_ANSWER_MESSAGES_MAX,
  SYNC_ANSWER_TEXT_MAX,
  SYNC_ROOM_LIMIT,
  SyncResult,
  SyncRoom,
  UserRole,
} from '@parley/contracts';
import type { RoomEntity } from '../rooms/room.entity';
import { Between, LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { RateLimitedException } from '../common/api-exceptions';
import { AppEvents } from '../events/app-events';
import { RoomsService } from '../rooms/rooms.service';
import { MessageEntity } from './message.entity';
import { rowToMessage } from './message-store';
import { MessageWriter } from './message-writer';
import { SendThrottle } from '../limits/send-throttle';
import { DirectRoomsService } from '../rooms/direct-rooms.service';
import { HistoryCursor, MessageHistory } from './message-history';
import { errors } from '../common/errors';
import { roomArchived, roomNotFound } from '../rooms/room-errors';
import type { AttachProblem } from '../files/file-claims';
import { FilesService } from '../files/files.service';
import { KeyRing } from '../encryption/key-ring';
import { MessageSealing } from './message-sealing';
import { encryptedBody } from './encrypted-body';

/** The sender of a request: enough of the user to apply the rules. */
export interface Actor {
  id: string;
  role: UserRole;
}

export interface SendInput {
  body: string;
  clientMsgId: string;
  replyToId?: string | null;
  /** Files the sender uploaded into the room (ready, not attached yet); the body may then be empty. */
  attachmentIds?: string[];
  /** The content encrypted on the sender's device: required in an end-to-end encrypted room, refused elsewhere. */
  encrypted?: EncryptedContent;
}

/**
 * What a send or an edit stores as the body: the words in a plain room, the ciphertext in an encrypted one.
 * Either is refused in the other kind of room, so no plaintext ever enters an encrypted room's storage.
 */
function storedBody(roomEncrypted: boolean, body: string, encrypted: EncryptedContent | undefined): string {
  if (roomEncrypted) {
    if (!encrypted) throw errors.validation('encrypted', 'This room is end-to-end encrypted: send the message encrypted on your device (`encrypted`)');
    if (body !== '') throw errors.validation('body', 'This room is end-to-end encrypted: body must be empty (the words travel in `encrypted`)');
    return encryptedBody(encrypted);
  }
  if (encrypted) throw errors.validation('encrypted', 'This room is not end-to-end encrypted: send the body as it is');
  return body;
}

/** Why a send's `attachmentIds` were refused, in words. */
const ATTACH_PROBLEMS: Record<AttachProblem, string> = {
  not_found: 'attachmentIds must name files you uploaded to this room',
  not_ready: 'A file in attachmentIds is still uploading or being checked; send it once its upload has finished',
  attached: 'A file in attachmentIds is already attached to a message',
};

/** Over the per-user send rate. Carries milliseconds for the socket ack; REST gets Retry-After in seconds. */
export class SendRateLimitedException extends RateLimitedException {
  constructor(readonly retryAfterMs: number) {
    super(retryAfterMs / 1000, `You are sending messages too fast; wait ${Math.ceil(retryAfterMs / 100) / 10} s`);
  }
}

const toMessage = (e: MessageEntity): Message => rowToMessage(e);
/** The first messages whose bodies fit in `budget` characters (at least one, so an answer always moves on). */
function fitText(rows: MessageEntity[], budget: number): { kept: MessageEntity[]; cut: boolean; text: number } {
  let text = 0;
  let n = 0;
  for (const row of rows) {
    if (n > 0 && text + row.body.length > budget) break;
    text += row.body.length;
    n += 1;
  }
  return { kept: rows.slice(0, n), cut: n < rows.length, text };
}

/** System messages are the room's record: nobody edits or deletes them. */
function assertNotSystem(message: MessageEntity, what: 'edited' | 'deleted'): void {
  if (message.kind === MessageKind.System) throw errors.forbidden(`System messages cannot be ${what}`);
}

const messageNotFound = () => errors.notFound('Message');

@Injectable()
export class MessagesService {
  private readonly sealing: MessageSealing;

  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    private readonly roomsService: RoomsService,
    private readonly writer: MessageWriter,
    private readonly throttle: SendThrottle,
    private readonly directRooms: DirectRoomsService,
    private readonly events: AppEvents,
    private readonly historyPages: MessageHistory,
    private readonly files: FilesService,
    keys: KeyRing,
  ) {
    this.sealing = new MessageSealing(keys);
  }

  /** Every write (send, edit, delete) takes a token from the sender's bucket first: 429 when it is empty. */
  private async takeWriteToken(actor: Actor): Promise<void> {
    const waitMs = await this.throttle.take(actor.id);
    if (waitMs > 0) throw new SendRateLimitedException(waitMs);
  }

  /**
   * Stores a message and raises `message.created`. Resolves only after the message is committed; a resend
   * of the same clientMsgId resolves with the stored original (`created: false`) and raises nothing again.
   * A non-member gets the 404 of a missing room: the commit checks membership in its own transaction, so a
   * plain send costs no query before it; a direct room's two people are known without one.
   */
  async send(actor: Actor, roomId: string, input: SendInput): Promise<{ message: Message; created: boolean }> {
    await this.takeWriteToken(actor);
    await this.directRooms.assertMaySend(roomId, actor.id);
    const replyToId = input.replyToId ?? null;
    // A reply names a message: only a member may learn whether it is in the room.
    if (replyToId) await this.roomsService.requireMembership(roomId, actor.id);
    if (replyToId && !(await this.messages.exists({ where: { id: replyToId, roomId, kind: MessageKind.User } }))) {
      throw errors.validation('replyToId', 'replyToId must be a message in this room');
    }
    const attachmentIds = input.attachmentIds?.length ? input.attachmentIds : undefined;
    // Unknown room: the commit answers 404 (a plain body is then checked against nothing).
    const encrypted = (await this.roomsService.isEncrypted(roomId)) === true;
    // An encrypted room's files may each come with their thumbnail, encrypted in the browser and uploaded apart.
    if (!encrypted && attachmentIds && attachmentIds.length > MESSAGE_ATTACHMENTS_MAX) {
      throw errors.validation('attachmentIds', `attachmentIds may hold at most ${MESSAGE_ATTACHMENTS_MAX} files`);
    }
    const body = storedBody(encrypted, input.body, input.encrypted);
    const outcome = await this.writer.send({ roomId, senderId: actor.id, clientMsgId: input.clientMsgId, body, replyToId, attachmentIds });
    if (!outcome.ok) {
      if (outcome.reason === 'attachments') {
        throw errors.validation('attachmentIds', ATTACH_PROBLEMS[outcome.problem]);
      }
      if (outcome.reason === 'client_id_taken') {
        throw errors.conflict('You already used this clientMsgId for a message in another room');
      }
      if (outcome.reason === 'archived') {
        throw roomArchived();
      }
      throw roomNotFound();
    }
    if (outcome.created) await this.events.emit('message.created', { message: outcome.message });
    return { message: outcome.message, created: outcome.created };
  }

  /** A message the actor may see (a member of its room), or the same 404 as for a missing one. */
  private async visibleMessage(actor: Actor, messageId: string): Promise<{ message: MessageEntity; room: RoomEntity; role: RoomRole }> {
    const found = await this.messages.findOneBy({ id: messageId });
    if (!found) throw messageNotFound();
    const [message] = await this.sealing.openAll([found]);
    const m = await this.roomsService.membership(message.roomId, actor.id);
    if (!m) throw messageNotFound();
    return { message, room: m.room, role: m.member.role };
  }

  async edit(actor: Actor, messageId: string, text: string, encrypted?: EncryptedContent): Promise<Message> {
    await this.takeWriteToken(actor);
    const { message, room } = await this.visibleMessage(actor, messageId);
    assertNotSystem(message, 'edited');
    const body = storedBody(room.encrypted, text, encrypted);
    // A message with files may lose its words; one without must keep some.
    if (body.trim() === '' && !message.attachments) throw errors.validation('body', 'body must not be empty');
    if (message.senderId !== actor.id) throw errors.forbidden('You can only edit your own messages');
    await this.directRooms.assertNotBlocked(room.id, actor.id, 'edit messages for');
    if (message.deletedAt) throw errors.conflict('This message was deleted');
    if (room.archivedAt) throw roomArchived();
    if (message.body === body) return toMessage(message);
    const outcome = await this.writer.store.edit(messageId, body, new Date());
    if (!outcome.ok) throw outcome.reason === 'archived' ? roomArchived() : messageNotFound();
    await this.events.emit('message.edited', { message: outcome.message });
    return outcome.message;
  }

  /** Deletes a message, leaving a tombstone. Senders delete their own; room owners and admins any. */
  async remove(actor: Actor, messageId: string): Promise<Message> {
    await this.takeWriteToken(actor);
    const { message, room, role } = await this.visibleMessage(actor, messageId);
    assertNotSystem(message, 'deleted');
    const moderator = role === RoomRole.Owner || role === RoomRole.Admin || (room.kind === 'public' && actor.role === UserRole.Admin);
    if (message.senderId !== actor.id && !moderator) {
      throw errors.forbidden('You can only delete your own messages');
    }
    if (message.deletedAt) return toMessage(message);
    if (room.archivedAt) throw roomArchived();
    const outcome = await this.writer.store.remove(messageId, new Date());
    if (!outcome.ok) throw outcome.reason === 'archived' ? roomArchived() : messageNotFound();
    // The files' rows went with the message; their bytes go now that it has committed.
    await this.files.discardBytes(outcome.removedFileIds);
    await this.events.emit('message.deleted', { message: outcome.message });
    return outcome.message;
  }

  /** A page of history by seq (keyset pagination), always returned in ascending seq order. */
  async history(actor: Actor, roomId: string, query: HistoryCursor): Promise<MessagePage> {
    await this.roomsService.requireMembership(roomId, actor.id);
    return this.historyPages.page(roomId, query);
  }

  /** The room's messages sent in [from, to), oldest first, a page at a time, for an admin's compliance export. */
  recordPages(roomId: string, from: Date, to: Date): AsyncGenerator<Message[]> {
    return this.historyPages.between(roomId, from, to);
  }

  /** The room's messages sent in [from, to), oldest first, a page at a time (for a transcript); members only. */
  async *transcriptPages(actor: Actor, roomId: string, from: Date, to: Date): AsyncGenerator<Message[]> {
    await this.roomsService.requireMembership(roomId, actor.id);
    yield* this.historyPages.between(roomId, from, to);
  }

  /**
   * Everything a reconnecting client missed, per room, from the database (so it holds across restarts):
   * messages after its seq and, when it sends revs, older messages changed after its rev; in seq order.
   * The room's counters are read first and the message queries bounded by them, so the returned cursors
   * never run ahead of the returned messages. One answer holds at most SYNC_ANSWER_MESSAGES_MAX messages:
   * rooms beyond that come back in `pending`. Rooms with nothing new cost no query. Rooms the user is in but
   * the client did not name come back in `joined` (its room list missed them).
   */
  async sync(actor: Actor, since: Record<string, number>, revs: Record<string, number> = {}): Promise<SyncResult> {
    const wanted = Object.keys(since);
    const mine = new Set(await this.roomsService.roomIdsForUser(actor.id));
    const removed = wanted.filter((id) => !mine.has(id));
    const roomIds = wanted.filter((id) => mine.has(id));
    const found = await this.roomsService.counters(roomIds);
    const counters = new Map(found.map((r) => [r.id, r]));
    const rooms: SyncRoom[] = [];
    const pending: string[] = [];
    let budget = SYNC_ANSWER_MESSAGES_MAX;
    let textBudget = SYNC_ANSWER_TEXT_MAX;
    for (const roomId of roomIds) {
      const room = counters.get(roomId);
      if (!room) continue;
      const fromSeq = Math.min(since[room.id], room.lastSeq);
      const fromRev = revs[room.id];
      const changedSince = fromRev !== undefined && fromRev < room.lastRev;
      if (fromSeq >= room.lastSeq && !changedSince) {
        rooms.push({ roomId, messages: [], lastSeq: room.lastSeq, lastRev: room.lastRev, hasMore: false });
        continue;
      }
      if (budget <= 0 || textBudget <= 0) {
        pending.push(roomId);
        continue;
      }
      const limit = Math.min(SYNC_ROOM_LIMIT, budget);
      // New to the client: seq above its cursor, up to the room's seq as read above (current state).
      const fresh = await this.sealing.openAll(
        await this.messages.find({
          where: { roomId, seq: Between(fromSeq + 1, room.lastSeq) },
          order: { seq: 'ASC' },
          take: limit + 1,
        }),
      );
      const fitted = fitText(fresh.slice(0, limit), textBudget);
      const freshMore = fresh.length > limit || fitted.cut;
      const newOnes = fitted.kept;
      textBudget -= fitted.text;
      // Changed since the client's rev: edits and deletions of messages it already holds, oldest change first.
      let changed: MessageEntity[] = [];
      let changedMore = false;
      const changeLimit = limit - newOnes.length;
      if (changedSince && changeLimit > 0) {
        changed = await this.sealing.openAll(
          await this.messages.find({
            where: { roomId, seq: LessThanOrEqual(fromSeq), rev: MoreThan(fromRev) },
            order: { rev: 'ASC' },
            take: changeLimit + 1,
          }),
        );
        const fittedChanges = fitText(changed.slice(0, changeLimit), textBudget);
        changedMore = changed.length > changeLimit || fittedChanges.cut;
        changed = fittedChanges.kept;
        textBudget -= fittedChanges.text;
      } else if (changedSince) {
        changedMore = true;
      }
      budget -= newOnes.length + changed.length;
      rooms.push({
        roomId,
        messages: [...changed, ...newOnes].sort((x, y) => x.seq - y.seq).map(toMessage),
        lastSeq: freshMore ? newOnes[newOnes.length - 1].seq : room.lastSeq,
        // Every change up to room.lastRev is reflected unless the change list was cut short.
        lastRev: changedMore ? (changed.length ? changed[changed.length - 1].rev : fromRev!) : room.lastRev,
        hasMore: freshMore || changedMore,
      });
    }
    const joined = [...mine].filter((id) => !Object.hasOwn(since, id));
    return { rooms, removed, pending, joined };
  }

  /**
   * Records that the actor has read the room up to `seq`. Only a marker that moves raises `message.read`; it
   * is a receipt for the room unless a block stands between the two people of a direct room.
   */
  async markRead(actor: Actor, roomId: string, seq: number): Promise<number> {
    const { lastReadSeq, moved } = await this.roomsService.setLastRead(roomId, actor.id, seq);
    if (moved) {
      const receipt = !(await this.directRooms.isBlocked(roomId, actor.id));
      await this.events.emit('message.read', { roomId, userId: actor.id, seq: lastReadSeq, receipt });
    }
    return lastReadSeq;
  }

  /** For the gateway's fast path: the room ids of messages are checked again here. */
  async roomOfMessage(messageId: string): Promise<string | null> {
    const m = await this.messages.findOne({ where: { id: messageId }, select: { roomId: true } });
    return m?.roomId ?? null;
  }
}
