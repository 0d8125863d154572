import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A compliance export an admin asked for: the background job's work item and, once done, where its zip is. */
@Entity('compliance_exports')
export class ComplianceExportEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  requestedBy!: string;

  @Column({ type: Date })
  rangeFrom!: Date;

  @Column({ type: Date })
  rangeTo!: Date;

  /** JSON arrays, or null for all. */
  @Column({ type: 'text', nullable: true })
  roomIds!: string | null;

  @Column({ type: 'text', nullable: true })
  userIds!: string | null;

  @Column({ type: 'boolean', default: true })
  includeFiles!: boolean;

  @Index('IDX_compliance_exports_status')
  @Column({ type: 'varchar', length: 16 })
  status!: string;

  /** JSON: { rooms, roomsDone, messages, files }. */
  @Column({ type: 'text' })
  progress!: string;

  /** The zip's plaintext size, once done. */
  @Column({ type: 'integer', nullable: true })
  size!: number | null;

  /** The data key that sealed the zip (null: stored as written, with encryption at rest off). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  contentKeyId!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  /** The running process's last sign of life: a run without one for a while is taken over. */
  @Column({ type: Date, nullable: true })
  heartbeatAt!: Date | null;

  /** Set by the app to the millisecond (the lists are in this order). */
  @Column({ type: Date })
  createdAt!: Date;

  @Column({ type: Date, nullable: true })
  finishedAt!: Date | null;
}

/** The audit log: who did what with records (exports, retention, holds), when. Written only, never changed. */
@Entity('audit_log')
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  actorId!: string;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'text' })
  details!: string;

  /** Set by the app to the millisecond (the log is read in this order). */
  @Index('IDX_audit_log_created')
  @Column({ type: Date })
  createdAt!: Date;
}

export const RECORDS_ENTITIES = [ComplianceExportEntity, AuditEntryEntity];
