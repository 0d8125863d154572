import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RateLimitedException } from '../common/api-exceptions';
import { APP_CONFIG, AppConfig } from '../config/config';
import { LoginLockoutEntity } from './login-lockout.entity';

/**
 * Per-account brute-force protection, whatever IP the attempts come from. After `threshold` failures with
 * no gap longer than `window` between them, the account is locked for `base`, doubling with each further
 * failure up to `max`. A success clears the record.
 */
@Injectable()
export class LoginLockoutService {
  constructor(
    @InjectRepository(LoginLockoutEntity) private readonly lockouts: Repository<LoginLockoutEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Throws 429 with the seconds left while the key is locked. */
  async assertNotLocked(key: string, now = Date.now()): Promise<void> {
    const row = await this.lockouts.findOneBy({ key });
    if (row?.lockedUntil && row.lockedUntil.getTime() > now) {
      throw new RateLimitedException(
        (row.lockedUntil.getTime() - now) / 1000,
        'Too many failed sign-in attempts for this account; try again later',
      );
    }
  }

  async recordFailure(key: string, now = Date.now()): Promise<void> {
    const { threshold, windowMs, baseMs, maxMs } = this.config.lockout;
    await this.lockouts.manager.transaction(async (em) => {
      const row = (await em.findOneBy(LoginLockoutEntity, { key })) ?? em.create(LoginLockoutEntity, { key, failures: 0, lockedUntil: null });
      const quietFor = row.lastFailureAt ? now - row.lastFailureAt.getTime() : Infinity;
      row.failures = quietFor > windowMs ? 1 : row.failures + 1;
      row.lastFailureAt = new Date(now);
      row.lockedUntil =
        row.failures >= threshold ? new Date(now + Math.min(maxMs, baseMs * 2 ** Math.min(30, row.failures - threshold))) : null;
      await em.save(row);
    });
  }

  async clear(key: string): Promise<void> {
    await this.lockouts.delete({ key });
  }
}
