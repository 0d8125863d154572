import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * Retention settings: the global row (`scope` = 'global': enabled, days) and rooms' own periods (`scope` = the
 * room's id; `days` null keeps everything there). Owned by the retention module.
 */
@Entity('retention_policies')
export class RetentionPolicyEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  scope!: string;

  @Column({ type: 'boolean', default: false })
  enabled!: boolean;

  @Column({ type: 'integer', nullable: true })
  days!: number | null;

  @Column({ type: Date })
  updatedAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  updatedBy!: string | null;

  /** The global row's last pass, as JSON (RetentionReport). */
  @Column({ type: 'text', nullable: true })
  lastRun!: string | null;
}

/** A legal hold: nothing a held user sent, and nothing in a held room, is removed by retention. */
@Entity('legal_holds')
@Unique('UQ_legal_holds_target', ['kind', 'targetId'])
export class LegalHoldEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'user' | 'room';

  @Column({ type: 'uuid' })
  targetId!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn()
  createdAt!: Date;
}

export const RETENTION_ENTITIES = [RetentionPolicyEntity, LegalHoldEntity];
