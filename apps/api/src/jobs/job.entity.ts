import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A background job that must run once across every API process (such as sweeping abandoned uploads): the
 * process that moves `nextRunAt` forward first has claimed the run. A job that works through data in steps
 * keeps its place in `cursor`, and is asked for with `requestedAt`. Owned by the jobs module.
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

  /** Where a job that works through data in steps stopped (its own JSON), so the next run resumes there. */
  @Column({ type: 'text', nullable: true })
  cursor!: string | null;

  /** A run of the job is wanted from this time on (see JobsService.request); null when none is. */
  @Column({ type: Date, nullable: true })
  requestedAt!: Date | null;
}
