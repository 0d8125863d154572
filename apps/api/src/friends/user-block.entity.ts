import { Check, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';

/** `blockerId` blocked `blockedId`. Each direction is its own row: either user may block the other. */
@Entity('user_blocks')
@Index('IDX_user_blocks_blockedId', ['blockedId'])
@Check('CHK_user_blocks_not_self', '"blockerId" <> "blockedId"')
export class UserBlockEntity {
  @PrimaryColumn({ type: 'uuid' })
  blockerId!: string;

  @PrimaryColumn({ type: 'uuid' })
  blockedId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'blockerId' })
  blocker?: UserEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'blockedId' })
  blocked?: UserEntity;

  @CreateDateColumn()
  createdAt!: Date;
}
