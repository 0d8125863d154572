import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed-login counter for one account (`user:<id>`) or, for names that match no account,
 * for that name (`login:<name>`), so both behave the same to an attacker.
 */
@Entity('login_lockouts')
export class LoginLockoutEntity {
  @PrimaryColumn({ type: 'varchar', length: 300 })
  key!: string;

  @Column({ type: 'integer', default: 0 })
  failures!: number;

  @Column({ type: Date })
  lastFailureAt!: Date;

  @Column({ type: Date, nullable: true })
  lockedUntil!: Date | null;
}
