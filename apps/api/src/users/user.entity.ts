import { UserRole } from '@parley/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Always lower case: usernames are unique case-insensitively. */
  @Column({ type: 'varchar', length: 32, unique: true })
  username!: string;

  /** Always lower case. */
  @Column({ type: 'varchar', length: 254, unique: true })
  email!: string;

  @Column({ type: 'varchar', length: 64 })
  displayName!: string;

  @Column({ type: 'varchar', length: 140, default: '' })
  statusText!: string;

  /** An argon2id PHC string. Never leaves the users/auth services. */
  @Column({ type: 'varchar', length: 255, select: false })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16, default: 'member' })
  role!: UserRole;

  @CreateDateColumn()
  createdAt!: Date;

  @UpdateDateColumn()
  updatedAt!: Date;

  @Column({ type: Date, nullable: true })
  deactivatedAt!: Date | null;

  @Column({ type: Date, nullable: true })
  lastLoginAt!: Date | null;

  /** When the user's last socket closed (presence). */
  @Column({ type: Date, nullable: true })
  lastSeenAt!: Date | null;

  /** The picture's file name, stored in the BlobStore under `avatars/` (random; also its version). Null: initials are shown. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  avatarFile!: string | null;

  get active(): boolean {
    return this.deactivatedAt === null;
  }
}
