import { splitBody } from './encrypted-body';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { contentPreview, describeRoomEvent, MessageKind, MessagePreview, RoomEvent } from '@parley/contracts';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { KeyRing } from '../encryption/key-ring';
import { RoomMemberEntity } from '../rooms/room-member.entity';
import { RoomEntity } from '../rooms/room.entity';
import { MessageEntity } from './message.entity';
import { MessageSealing } from './message-sealing';
import { parseAttachments } from './message-store';

/**
 * What the room list needs from the messages table, for all of one user's rooms (or one of them) in a fixed
 * number of queries: each is scoped by joining the user's own memberships (read only: rooms owns them), never
 * by a list of room ids.
 */
@Injectable()
export class RoomActivity {
  private readonly sealing: MessageSealing;

  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    keys: KeyRing,
  ) {
    this.sealing = new MessageSealing(keys);
  }

  /**
   * Per room: messages from others after the user's read marker that are not deleted, not system lines and
   * not from someone the user blocked (the (roomId, seq) index serves it). Rooms with none are left out.
   */
  async unreadCounts(userId: string, blocked: string[], roomId?: string): Promise<Map<string, number>> {
    const qb = this.messages
      .createQueryBuilder('msg')
      .select('msg.roomId', 'roomId')
      .addSelect('COUNT(*)', 'n')
      .innerJoin(RoomMemberEntity, 'mine', 'mine.roomId = msg.roomId AND mine.userId = :userId', { userId })
      .where('msg.seq > mine.lastReadSeq')
      .andWhere('msg.senderId <> :userId')
      .andWhere('msg.deletedAt IS NULL')
      .andWhere('msg.kind = :userKind', { userKind: MessageKind.User })
      .groupBy('msg.roomId');
    if (blocked.length) qb.andWhere('msg.senderId NOT IN (:...blocked)', { blocked });
    const rows = await onlyRoom(qb, roomId).getRawMany<{ roomId: string; n: number | string }>();
    return new Map(rows.map((r) => [r.roomId, Number(r.n)]));
  }

  /**
   * Per room: its last message as the room list previews it to this user. The text of one from someone they
   * blocked is withheld (`hidden`); a system line is told from their side ("Ada added you").
   */
  async lastMessages(userId: string, blocked: string[], roomId?: string): Promise<Map<string, MessagePreview>> {
    const qb = this.messages
      .createQueryBuilder('msg')
      .innerJoin(RoomEntity, 'r', 'r.id = msg.roomId AND r.lastSeq = msg.seq')
      .innerJoin(RoomMemberEntity, 'mine', 'mine.roomId = msg.roomId AND mine.userId = :userId', { userId })
      .leftJoinAndSelect('msg.sender', 'sender');
    const rows = await this.sealing.openAll(await onlyRoom(qb, roomId).getMany());
    return new Map(rows.map((m) => [m.roomId, toMessagePreview(m, blocked.includes(m.senderId), userId)]));
  }
}

function onlyRoom<T extends object>(qb: SelectQueryBuilder<T>, roomId?: string): SelectQueryBuilder<T> {
  return roomId ? qb.andWhere('msg.roomId = :roomId', { roomId }) : qb;
}

/**
 * The room list's preview of a message; `hidden` withholds the text (and the files) of one from someone the
 * viewer blocked. A system line is told from the viewer's side ("Ada added you"); a message of files without
 * words reads as its files ("📷 Photo", "📎 report.pdf"). The server computes it because it can read the
 * content; for end-to-end encrypted messages the client does, with the same `contentPreview`.
 */
export function toMessagePreview(m: MessageEntity, hidden = false, viewerId?: string): MessagePreview {
  const deleted = m.deletedAt !== null;
  const event = m.kind === MessageKind.System && m.event ? (JSON.parse(m.event) as RoomEvent) : null;
  const attachments = deleted || hidden ? [] : parseAttachments(m.attachments);
  const { body, encrypted } = splitBody(m.body);
  return {
    id: m.id,
    seq: m.seq,
    senderId: m.senderId,
    senderName: m.sender?.displayName ?? '',
    text: deleted || hidden || encrypted ? '' : event ? describeRoomEvent(event, viewerId) : contentPreview({ body, attachments }),
    deleted,
    hidden,
    attachmentCount: attachments.length,
    encrypted: encrypted !== null && !deleted,
    kind: m.kind,
    createdAt: m.createdAt.toISOString(),
  };
}
