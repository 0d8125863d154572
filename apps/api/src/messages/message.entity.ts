import type { MessageKind } from '@parley/contracts';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { RoomEntity } from '../rooms/room.entity';
import { UserEntity } from '../users/user.entity';

/**
 * A message. `seq` is gapless per room; `rev` is the room's change revision at the message's last change.
 * The hot write path (MessageWriter) inserts with raw SQL in batches; this entity serves reads and docs.
 */
@Entity('messages')
@Unique('UQ_messages_room_seq', ['roomId', 'seq'])
@Unique('UQ_messages_sender_client', ['senderId', 'clientMsgId'])
@Index('IDX_messages_room_rev', ['roomId', 'rev'])
export class MessageEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  roomId!: string;

  @ManyToOne(() => RoomEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'roomId' })
  room?: RoomEntity;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'integer' })
  rev!: number;

  @Column({ type: 'uuid' })
  senderId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'senderId' })
  sender?: UserEntity;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'varchar', length: 64 })
  clientMsgId!: string;

  @Column({ type: 'uuid', nullable: true })
  replyToId!: string | null;

  @CreateDateColumn()
  createdAt!: Date;

  @Column({ type: Date, nullable: true })
  editedAt!: Date | null;

  @Column({ type: Date, nullable: true })
  deletedAt!: Date | null;

  /** `user` or `system` (a line the server writes when the room changes). */
  @Column({ type: 'varchar', length: 16, default: 'user' })
  kind!: MessageKind;

  /** A system message's RoomEvent, as JSON. */
  @Column({ type: 'text', nullable: true })
  event!: string | null;

  /**
   * The files the message carries, as JSON `Attachment[]` written in the send's transaction (so history and
   * sync read them with the message, without a query per message); null when it carries none.
   */
  @Column({ type: 'text', nullable: true })
  attachments!: string | null;
}
