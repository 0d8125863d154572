import { Check, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';

/**
 * Two users who are friends: one row per pair, the smaller id first, so the primary key makes a second
 * friendship between the same two users impossible, whoever creates it and however many requests race.
 */
@Entity('friendships')
@Index('IDX_friendships_userHighId', ['userHighId'])
@Check('CHK_friendships_order', '"userLowId" < "userHighId"')
export class FriendshipEntity {
  @PrimaryColumn({ type: 'uuid' })
  userLowId!: string;

  @PrimaryColumn({ type: 'uuid' })
  userHighId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userLowId' })
  userLow?: UserEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userHighId' })
  userHigh?: UserEntity;

  /** When they became friends. */
  @CreateDateColumn()
  createdAt!: Date;
}

/** The two ids in the order a friendship row (and a request's pair key) stores them. */
export function orderedPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

export function pairKey(a: string, b: string): string {
  return orderedPair(a, b).join(':');
}
