import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { PASSWORD_MIN_LENGTH } from '@parley/contracts';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEn from '@zxcvbn-ts/language-en';
import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/config';
import { errors } from '../common/errors';

/** OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane. */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordOwner {
  username: string;
  email: string;
  displayName?: string;
}

@Injectable()
export class PasswordService implements OnModuleInit {
  /**
   * The password strength estimator, built on the first check: ranking its dictionaries takes a few hundred
   * milliseconds of CPU, which every start-up paid before its first request, and a restart needs none.
   */
  private estimator?: ZxcvbnFactory;
  private get zxcvbn(): ZxcvbnFactory {
    return (this.estimator ??= new ZxcvbnFactory({
      translations: zxcvbnEn.translations,
      graphs: zxcvbnCommon.adjacencyGraphs,
      dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary },
    }));
  }
  /** Verified against when the account does not exist, so both cases take the same time. */
  private dummyHash = '';

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomBytes(24).toString('base64url'));
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  /** Checks a password; with no hash (unknown account) it burns the same time and fails. */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      const ok = await argon2.verify(hash ?? this.dummyHash, password);
      return ok && hash !== undefined;
    } catch {
      return false;
    }
  }

  /** The reasons this password is refused for this owner, or none. */
  problems(password: string, owner: PasswordOwner): string[] {
    const problems: string[] = [];
    const lower = password.toLowerCase();
    if (password.length < PASSWORD_MIN_LENGTH) problems.push(`Password must be at least ${PASSWORD_MIN_LENGTH} characters`);
    if (owner.username && lower.includes(owner.username.toLowerCase())) problems.push('Password must not contain your username');
    const emailLocal = owner.email.split('@')[0]?.toLowerCase() ?? '';
    if (owner.email && (lower.includes(owner.email.toLowerCase()) || (emailLocal.length >= 3 && lower.includes(emailLocal)))) {
      problems.push('Password must not contain your email address');
    }
    if (problems.length) return problems;

    const result = this.zxcvbn.check(password, [owner.username, owner.email, emailLocal, owner.displayName ?? ''].filter(Boolean));
    if (result.score < this.config.passwordMinScore) {
      const hints = [result.feedback.warning, ...result.feedback.suggestions]
        .filter((h): h is string => Boolean(h))
        .map((h) => h.trim().replace(/\.+$/, ''));
      problems.push(`Password is too easy to guess${hints.length ? `: ${hints.join('. ')}` : ''}. Try a longer phrase of unrelated words`);
    }
    return problems;
  }

  assertStrong(password: string, owner: PasswordOwner, field = 'password'): void {
    const problems = this.problems(password, owner);
    if (problems.length) {
      throw errors.weakPassword(field, problems);
    }
  }
}
