import { RoomKind } from '@parley/contracts';
import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';

@Entity('rooms')
export class RoomEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: RoomKind;

  /** Empty for direct rooms (the UI shows the other member's name). */
  @Column({ type: 'varchar', length: 80, default: '' })
  name!: string;

  @Column({ type: 'varchar', length: 250, default: '' })
  topic!: string;

  /** `general` for the default room; unique when set. */
  @Column({ type: 'varchar', length: 32, nullable: true, unique: true })
  slug!: string | null;

  /**
   * Direct rooms only: the two member ids, sorted and joined by ':', so a pair can have one room only (one
   * plain, and one end-to-end encrypted whose key ends in `:e2ee`).
   */
  @Column({ type: 'varchar', length: 80, nullable: true, unique: true })
  directKey!: string | null;

  /** End-to-end encrypted: chosen at creation, never changed. Messages are ciphertext the server cannot read. */
  @Column({ type: 'boolean', default: false })
  encrypted!: boolean;

  @Column({ type: 'uuid', nullable: true })
  ownerId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'ownerId' })
  owner?: UserEntity;

  /** Highest message seq; messages get lastSeq + 1 in the transaction that inserts them. */
  @Column({ type: 'integer', default: 0 })
  lastSeq!: number;

  /** Change revision: bumped by every insert, edit and deletion (messages carry the value of their last change). */
  @Column({ type: 'integer', default: 0 })
  lastRev!: number;

  @Column({ type: Date, nullable: true })
  lastMessageAt!: Date | null;

  /** Archived rooms keep their history read-only. */
  @Column({ type: Date, nullable: true })
  archivedAt!: Date | null;

  @CreateDateColumn()
  createdAt!: Date;

  @UpdateDateColumn()
  updatedAt!: Date;
}
