import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A background job that must run once across every API process (such as sweeping abandoned uploads): the
 * process that moves `nextRunAt` forward first has claimed the run. Owned by the jobs module.
 */
@Entity('jobs')
export class JobEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  /** The job may be claimed again from this time on. */
  @Column({ type: Date })
  nextRunAt!: Date;

  @Column({ type: Date, nullable: true })
  claimedAt!: Date | null;

  /** Which process claimed the last run (host:pid), for operators reading the table. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  claimedBy!: string | null;
}
