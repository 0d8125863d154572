import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { RoomEntity } from './room.entity';

/** An invite code for a room. Only the SHA-256 of the code is stored, like tokens. */
@Entity('room_invites')
@Index('IDX_room_invites_roomId', ['roomId'])
export class RoomInviteEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  roomId!: string;

  @ManyToOne(() => RoomEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'roomId' })
  room?: RoomEntity;

  @Column({ type: 'varchar', length: 64, unique: true })
  codeHash!: string;

  @Column({ type: 'uuid', nullable: true })
  createdById!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'createdById' })
  createdBy?: UserEntity;

  @Column({ type: Date })
  expiresAt!: Date;

  @Column({ type: 'integer', nullable: true })
  maxUses!: number | null;

  @Column({ type: 'integer', default: 0 })
  uses!: number;

  @Column({ type: Date, nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn()
  createdAt!: Date;
}
