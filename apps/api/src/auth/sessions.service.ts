import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SESSION_TOKEN_PREFIX, SessionInfo } from '@parley/contracts';
import { LessThan, MoreThan, Not, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AppEvents, SessionEndReason } from '../events/app-events';
import { UserEntity } from '../users/user.entity';
import { SessionEntity } from './session.entity';
import { tokenLookup } from './token-lookup';
import { generateToken, hashToken } from './tokens';
import { errors } from '../common/errors';

/** Sessions are touched at most this often, so a busy client does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionMeta {
  userAgent?: string;
  ip?: string;
}

/** Expired sessions are deleted when met, and swept this often so the table does not grow without end. */
const PURGE_INTERVAL_MS = 60 * 60_000;

@Injectable()
export class SessionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionsService.name);
  private purgeTimer?: NodeJS.Timeout;
  /** The session for a token, with its user: every request authenticated by a session runs it. */
  private readonly lookup: (token: string) => Promise<(SessionEntity & { user: UserEntity }) | null>;

  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: AppEvents,
  ) {
    events.on('user.deactivated', ({ userId }) => this.revokeAllForUser(userId, undefined, 'deactivated'));
    this.lookup = tokenLookup(sessions.manager.connection, SessionEntity, 'sessions');
  }

  async create(userId: string, meta: SessionMeta): Promise<{ token: string; session: SessionEntity }> {
    const token = generateToken(SESSION_TOKEN_PREFIX);
    const now = new Date();
    const session = await this.sessions.save(
      this.sessions.create({
        userId,
        tokenHash: hashToken(token),
        lastUsedAt: now,
        expiresAt: new Date(now.getTime() + this.config.sessionTtlMs),
        userAgent: meta.userAgent?.slice(0, 255) ?? null,
        ip: meta.ip?.slice(0, 64) ?? null,
      }),
    );
    return { token, session };
  }

  findById(id: string): Promise<SessionEntity | null> {
    return this.sessions.findOneBy({ id });
  }

  /** The live session for a token, with its user (one query), or null. Expired sessions are deleted when met. */
  async findByToken(token: string): Promise<(SessionEntity & { user: UserEntity }) | null> {
    const session = await this.lookup(token);
    if (!session) return null;
    if (session.expiresAt.getTime() <= Date.now()) {
      await this.sessions.delete({ id: session.id });
      // What hangs on the session goes with it (its encryption device, its sockets).
      await this.events.emit('auth.sessions-ended', { userId: session.userId, sessionIds: [session.id], reason: 'expired' });
      return null;
    }
    return session;
  }

  /** Slides the expiry forward; returns true when it did (so the cookie can be renewed too). */
  async touch(session: SessionEntity): Promise<boolean> {
    const now = Date.now();
    if (now - session.lastUsedAt.getTime() < TOUCH_INTERVAL_MS) return false;
    session.lastUsedAt = new Date(now);
    session.expiresAt = new Date(now + this.config.sessionTtlMs);
    await this.sessions.update({ id: session.id }, { lastUsedAt: session.lastUsedAt, expiresAt: session.expiresAt });
    return true;
  }

  /** The user's live sessions, most recently used first. */
  async listForUser(userId: string, currentSessionId?: string): Promise<SessionInfo[]> {
    const rows = await this.sessions.find({ where: { userId, expiresAt: MoreThan(new Date()) }, order: { lastUsedAt: 'DESC' } });
    return rows.map((s) => ({
      id: s.id,
      createdAt: s.createdAt.toISOString(),
      lastUsedAt: s.lastUsedAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      userAgent: s.userAgent,
      ip: s.ip,
      current: s.id === currentSessionId,
    }));
  }

  /** Ends one of the user's own sessions; another user's session id is "not found", as is an unknown one. */
  async revokeForUser(userId: string, sessionId: string): Promise<void> {
    const result = await this.sessions.delete({ id: sessionId, userId });
    if (!result.affected) throw errors.notFound('Session');
    await this.events.emit('auth.sessions-ended', { userId, sessionIds: [sessionId], reason: 'revoked' });
  }

  /** Ends one session (sign-out); its live sockets close. */
  async revoke(userId: string, sessionId: string, reason: SessionEndReason = 'logout'): Promise<void> {
    await this.sessions.delete({ id: sessionId });
    await this.events.emit('auth.sessions-ended', { userId, sessionIds: [sessionId], reason });
  }

  /** Ends every session of the user, except `keepSessionId` when given; their live sockets close. */
  async revokeAllForUser(userId: string, keepSessionId?: string, reason: SessionEndReason = 'logout'): Promise<number> {
    const result = await this.sessions.delete(keepSessionId ? { userId, id: Not(keepSessionId) } : { userId });
    await this.events.emit('auth.sessions-ended', { userId, exceptSessionId: keepSessionId, reason });
    return result.affected ?? 0;
  }

  /** Deletes expired sessions; what hangs on them (encryption devices, sockets) is told, per user. */
  async purgeExpired(now = new Date()): Promise<number> {
    const expired = await this.sessions.find({ select: { id: true, userId: true }, where: { expiresAt: LessThan(now) } });
    if (!expired.length) return 0;
    const result = await this.sessions.delete(expired.map((s) => s.id));
    const byUser = new Map<string, string[]>();
    for (const s of expired) byUser.set(s.userId, [...(byUser.get(s.userId) ?? []), s.id]);
    for (const [userId, sessionIds] of byUser) await this.events.emit('auth.sessions-ended', { userId, sessionIds, reason: 'expired' });
    return result.affected ?? 0;
  }

  onApplicationBootstrap(): void {
    const sweep = () =>
      this.purgeExpired().catch((err: unknown) => this.logger.warn(`Could not purge expired sessions: ${(err as Error).message}`));
    void sweep();
    this.purgeTimer = setInterval(sweep, PURGE_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purgeTimer);
  }
}
