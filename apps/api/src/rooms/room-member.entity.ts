import { RoomRole } from '@parley/contracts';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { RoomEntity } from './room.entity';

@Entity('room_members')
@Index('IDX_room_members_userId', ['userId'])
export class RoomMemberEntity {
  @PrimaryColumn({ type: 'uuid' })
  roomId!: string;

  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => RoomEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'roomId' })
  room?: RoomEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 16, default: 'member' })
  role!: RoomRole;

  /** The highest seq this member has read; unread counts and "seen by" come from it. */
  @Column({ type: 'integer', default: 0 })
  lastReadSeq!: number;

  @CreateDateColumn()
  joinedAt!: Date;
}
