import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RateLimitedException } from '../common/api-exceptions';
import { APP_CONFIG, AppConfig } from '../config/config';
import { LoginLockoutEntity } from './login-lockout.entity';
import { errors } from '../common/errors';

/** A password check that has been counted against its account: see `LoginLockoutService.claim`. */
export interface LoginAttempt {
  key: string;
  /** The failures counted (in the window) when this attempt was, itself included. */
  counted: number;
}

const LOCKED_MESSAGE = 'Too many failed sign-in attempts for this account; try again later';

/** SQLite keeps TypeORM's `YYYY-MM-DD HH:MM:SS.SSS` (UTC) text, which compares in time order. */
const sqliteTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/**
 * Per-account brute-force protection, whatever IP or API process the attempts come from. Every password
 * check is counted as a failure *before* the password is verified, in one atomic statement that refuses to
 * count it while the account is locked; the statement that counts the `threshold`-th failure also locks the
 * account. So however many attempts arrive at once, at most `threshold` wrong passwords are verified per
 * account and window, and the rest get 429 with the seconds left. An attempt whose password was right takes
 * back its own count and forgives the failures counted before it, but not those counted while it was being
 * verified. The lock lasts `base`, doubling with each further failure up to `max`; failures are forgotten
 * after `window` without another failure or lock.
 */
@Injectable()
export class LoginLockoutService {
  constructor(
    @InjectRepository(LoginLockoutEntity) private readonly lockouts: Repository<LoginLockoutEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Placeholders for this database's driver, with the values in order, and its time and max functions. */
  private sql() {
    const pg = this.lockouts.manager.connection.options.type === 'postgres';
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return pg ? `$${params.length}` : '?';
    };
    return {
      params,
      p,
      time: (ms: number) => (pg ? `${p(new Date(ms))}::timestamptz` : p(sqliteTime(ms))),
      max: pg ? 'GREATEST' : 'MAX',
    };
  }

  /**
   * Counts one password check for `key` and returns it, or throws 429 (with Retry-After) while the key is
   * locked, without counting anything.
   */
  async claim(key: string, now = Date.now()): Promise<LoginAttempt> {
    const { params, p, time } = this.sql();
    // (Each placeholder is written once: with '?' the values are bound in the order they appear.)
    const lockAfter = (failures: () => string) =>
      `CASE ${this.lockSteps(now)
        .map(({ failures: n, until }) => `WHEN ${failures()} >= ${n} THEN ${time(until)}`)
        .join(' ')} ELSE NULL END`;
    // The count after this attempt: 1 when the earlier failures have been forgotten (the window passed).
    // (A lock longer than the window must not make the account forget: the quiet time starts when it ends.)
    const quietSince = () => time(now - this.config.lockout.windowMs);
    const counted = () =>
      `CASE WHEN login_lockouts."lastFailureAt" < ${quietSince()} AND (login_lockouts."lockedUntil" IS NULL OR login_lockouts."lockedUntil" < ${quietSince()}) ` +
      'THEN 1 ELSE login_lockouts.failures + 1 END';
    const sql =
      `INSERT INTO login_lockouts ("key", failures, "lastFailureAt", "lockedUntil") VALUES (${p(key)}, 1, ${time(now)}, ${lockAfter(() => '1')}) ` +
      `ON CONFLICT ("key") DO UPDATE SET failures = ${counted()}, "lastFailureAt" = ${time(now)}, "lockedUntil" = ${lockAfter(counted)} ` +
      `WHERE login_lockouts."lockedUntil" IS NULL OR login_lockouts."lockedUntil" <= ${time(now)} ` +
      'RETURNING failures';
    // A transaction of its own: on SQLite the one shared connection may be inside someone else's.
    const rows = await this.lockouts.manager.transaction(async (em) => {
      const result = (await em.queryRunner!.query(sql, params, true)) as { records: { failures: number | string }[] };
      return result.records;
    });
    if (rows.length > 0) return { key, counted: Number(rows[0].failures) };
    throw await this.lockedError(key, now);
  }

  /**
   * The password was right: takes back this attempt's count and the failures counted before it. Failures
   * counted by other attempts since then stay, and so does a lock they earned.
   */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    const { params, p, max } = this.sql();
    const left = () => `${max}(0, failures - ${p(attempt.counted)})`;
    const sql =
      `UPDATE login_lockouts SET failures = ${left()}, ` +
      `"lockedUntil" = CASE WHEN ${left()} >= ${p(this.config.lockout.threshold)} THEN "lockedUntil" ELSE NULL END WHERE "key" = ${p(attempt.key)}`;
    await this.lockouts.manager.transaction((em) => em.query(sql, params));
  }

  private async lockedError(key: string, now: number): Promise<RateLimitedException> {
    const row = await this.lockouts.findOneBy({ key });
    const left = row?.lockedUntil ? row.lockedUntil.getTime() - now : this.config.lockout.baseMs;
    return errors.rateLimited(LOCKED_MESSAGE, Math.max(1000, left) / 1000);
  }

  /** The lock each failure count earns, longest first: `threshold` → base, each further one doubles, up to max. */
  private lockSteps(now: number): { failures: number; until: number }[] {
    const { threshold, baseMs, maxMs } = this.config.lockout;
    const steps: { failures: number; until: number }[] = [];
    for (let k = 0; k <= 40; k++) {
      const ms = Math.min(maxMs, baseMs * 2 ** k);
      steps.push({ failures: threshold + k, until: now + ms });
      if (ms >= maxMs) break;
    }
    return steps.reverse();
  }
}
