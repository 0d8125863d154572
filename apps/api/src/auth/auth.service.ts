import { Inject, Injectable } from '@nestjs/common';
import { AuthSession } from '@parley/contracts';
import { APP_CONFIG, AppConfig } from '../config/config';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { LoginLockoutService } from './login-lockout.service';
import { PasswordService } from './password.service';
import { AppEvents } from '../events/app-events';
import { SessionMeta, SessionsService } from './sessions.service';
import { csrfTokenFor } from './tokens';
import { errors } from '../common/errors';

export interface Registration {
  username: string;
  email: string;
  password: string;
  displayName?: string;
}

export interface IssuedSession {
  token: string;
  sessionId: string;
  csrf: string;
  expiresAt: Date;
}

const INVALID_CREDENTIALS = 'Invalid username/email or password';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly lockout: LoginLockoutService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: AppEvents,
  ) {}

  async register(input: Registration): Promise<UserEntity> {
    await this.assertRegistrationAllowed(input.email);
    this.passwords.assertStrong(input.password, input);
    const passwordHash = await this.passwords.hash(input.password);
    const user = await this.users.create({
      username: input.username,
      email: input.email,
      displayName: input.displayName || input.username,
      passwordHash,
    });
    await this.events.emit('user.registered', { userId: user.id });
    return user;
  }

  /**
   * Checks a sign-in. An unknown account and a wrong password get the same answer in the same time;
   * repeated failures lock the account (whatever IP they come from) with a growing delay.
   */
  async validateCredentials(login: string, password: string): Promise<UserEntity> {
    const user = await this.users.findByLoginWithHash(login);
    const key = user ? `user:${user.id}` : `login:${login.trim().toLowerCase().slice(0, 254)}`;
    // Counted as a failure before the (slow) check, so parallel guesses cannot slip past the lock.
    const attempt = await this.lockout.claim(key);
    const ok = await this.passwords.verify(user?.passwordHash, password);
    if (!ok || !user) throw errors.invalidCredentials(INVALID_CREDENTIALS);
    await this.lockout.succeeded(attempt);
    if (user.deactivatedAt) {
      throw errors.accountDeactivated('This account has been deactivated; ask an admin');
    }
    return user;
  }

  async startSession(user: UserEntity, meta: SessionMeta): Promise<IssuedSession> {
    const { token, session } = await this.sessions.create(user.id, meta);
    await this.users.recordLogin(user.id);
    return { token, sessionId: session.id, csrf: csrfTokenFor(this.config.secretKey, session.id), expiresAt: session.expiresAt };
  }

  endSession(userId: string, sessionId: string): Promise<void> {
    return this.sessions.revoke(userId, sessionId);
  }

  endAllSessions(userId: string): Promise<number> {
    return this.sessions.revokeAllForUser(userId);
  }

  /** Changes the password and ends every other session of the user. */
  async changePassword(user: UserEntity, currentPassword: string, newPassword: string, keepSessionId?: string): Promise<void> {
    const hash = await this.users.getPasswordHash(user.id);
    if (!(await this.passwords.verify(hash, currentPassword))) {
      throw errors.invalidCredentials('Current password is incorrect', 'currentPassword');
    }
    if (currentPassword === newPassword) {
      throw errors.weakPassword('newPassword', ['New password must differ from the current one']);
    }
    this.passwords.assertStrong(newPassword, user, 'newPassword');
    await this.users.setPasswordHash(user.id, await this.passwords.hash(newPassword));
    await this.sessions.revokeAllForUser(user.id, keepSessionId, 'password_changed');
  }

  /** The registration policy as a sign-up page needs it. */
  async registrationStatus(): Promise<AuthSession['registration']> {
    const { mode, allowedEmailDomains } = this.config.registration;
    const open = mode !== 'closed' || (await this.users.countUsers()) === 0;
    return { mode, open, allowedEmailDomains: mode === 'domain' ? allowedEmailDomains : [] };
  }

  private async assertRegistrationAllowed(email: string): Promise<void> {
    const { mode, allowedEmailDomains } = this.config.registration;
    if (mode === 'open') return;
    // The very first account (the admin) can always be created, or a closed server could never start.
    if ((await this.users.countUsers()) === 0) return;
    if (mode === 'closed') {
      throw errors.registrationClosed('Registration is closed on this server; ask an admin');
    }
    const domain = email.split('@').pop() ?? '';
    if (!allowedEmailDomains.includes(domain)) {
      throw errors.registrationClosed(`Registration is limited to email addresses at ${allowedEmailDomains.join(', ')}`, {
        field: 'email',
        message: `Use an email address at ${allowedEmailDomains.join(', ')}`,
      });
    }
  }
}
