import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';

export const FriendRequestStatus = {
  Pending: 'pending',
  Accepted: 'accepted',
  Declined: 'declined',
  /** Withdrawn by the sender, or ended by a block. */
  Cancelled: 'cancelled',
} as const;
export type FriendRequestStatus = (typeof FriendRequestStatus)[keyof typeof FriendRequestStatus];

/**
 * A friend request. Answered requests keep their row with the outcome; a partial unique index on `pairKey`
 * allows one pending request per pair of users, whichever of the two sent it.
 */
@Entity('friend_requests')
@Index('UQ_friend_requests_pending_pair', ['pairKey'], { unique: true, where: `"status" = 'pending'` })
@Index('IDX_friend_requests_addressee', ['addresseeId', 'status'])
@Index('IDX_friend_requests_requester', ['requesterId', 'status'])
export class FriendRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  requesterId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'requesterId' })
  requester?: UserEntity;

  @Column({ type: 'uuid' })
  addresseeId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'addresseeId' })
  addressee?: UserEntity;

  /** The two user ids, sorted and joined by ':'. */
  @Column({ type: 'varchar', length: 80 })
  pairKey!: string;

  @Column({ type: 'varchar', length: 16, default: FriendRequestStatus.Pending })
  status!: FriendRequestStatus;

  @CreateDateColumn()
  createdAt!: Date;

  /** When it was accepted, declined or cancelled. */
  @Column({ type: Date, nullable: true })
  resolvedAt!: Date | null;
}
