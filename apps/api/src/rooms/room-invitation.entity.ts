import { CreateDateColumn, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { RoomEntity } from './room.entity';

/** A person invited into a room who has not answered yet (accepting makes them a member; declining deletes it). */
@Entity('room_invitations')
@Unique('UQ_room_invitations_room_invitee', ['roomId', 'inviteeId'])
@Index('IDX_room_invitations_invitee', ['inviteeId'])
@Index('IDX_room_invitations_inviter', ['inviterId'])
export class RoomInvitationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  roomId!: string;

  @ManyToOne(() => RoomEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'roomId' })
  room?: RoomEntity;

  @Column({ type: 'uuid' })
  inviterId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'inviterId' })
  inviter?: UserEntity;

  @Column({ type: 'uuid' })
  inviteeId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'inviteeId' })
  invitee?: UserEntity;

  @CreateDateColumn()
  createdAt!: Date;
}
