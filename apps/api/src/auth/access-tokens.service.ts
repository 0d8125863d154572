import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ACCESS_TOKEN_PREFIX, AccessToken, CreatedAccessToken, MAX_ACCESS_TOKENS_PER_USER } from '@parley/contracts';
import { Repository } from 'typeorm';
import { AppEvents } from '../events/app-events';
import { FixedQuery, hydrate, selectColumns } from '../database/fixed-query';
import { UserEntity } from '../users/user.entity';
import { AccessTokenEntity } from './access-token.entity';
import { generateToken, hashToken } from './tokens';
import { errors } from '../common/errors';

const TOUCH_INTERVAL_MS = 60_000;

function toAccessToken(t: AccessTokenEntity): AccessToken {
  return { id: t.id, name: t.name, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null };
}

@Injectable()
export class AccessTokensService {
  /** Every request authenticated by an access token runs this: the token by its hash, with its user. */
  private readonly byTokenHash: FixedQuery;

  constructor(
    @InjectRepository(AccessTokenEntity) private readonly tokens: Repository<AccessTokenEntity>,
    private readonly events: AppEvents,
  ) {
    // A deactivated account's tokens are revoked, not suspended: reactivating it does not bring them back.
    events.on('user.deactivated', ({ userId }) => this.revokeAllForUser(userId));
    const db = tokens.manager.connection;
    this.byTokenHash = new FixedQuery(
      db,
      (p) =>
        `SELECT ${selectColumns(db, AccessTokenEntity, 't', 't_')}, ${selectColumns(db, UserEntity, 'u', 'u_')} ` +
        `FROM access_tokens "t" INNER JOIN users "u" ON "u"."id" = "t"."userId" WHERE "t"."tokenHash" = ${p(1)}`,
    );
  }

  async create(userId: string, name: string): Promise<CreatedAccessToken | 'too_many'> {
    if ((await this.tokens.countBy({ userId })) >= MAX_ACCESS_TOKENS_PER_USER) return 'too_many';
    const token = generateToken(ACCESS_TOKEN_PREFIX);
    const saved = await this.tokens.save(this.tokens.create({ userId, name, tokenHash: hashToken(token), lastUsedAt: null }));
    return { id: saved.id, name: saved.name, token, createdAt: saved.createdAt.toISOString() };
  }

  async list(userId: string): Promise<AccessToken[]> {
    const rows = await this.tokens.find({ where: { userId }, order: { createdAt: 'DESC' } });
    return rows.map(toAccessToken);
  }

  /** Revokes one of the user's own tokens; another user's token id is "not found", as is an unknown one. */
  async revoke(userId: string, id: string): Promise<void> {
    const result = await this.tokens.delete({ id, userId });
    if (!result.affected) throw errors.notFound('Token');
    await this.events.emit('auth.token-revoked', { userId, tokenId: id });
  }

  /** Revokes every token of the user (their integrations must be given new ones). */
  async revokeAllForUser(userId: string): Promise<number> {
    const rows = await this.tokens.find({ where: { userId }, select: { id: true } });
    if (rows.length === 0) return 0;
    await this.tokens.delete({ userId });
    for (const { id } of rows) await this.events.emit('auth.token-revoked', { userId, tokenId: id });
    return rows.length;
  }

  /** The token's row with its user (one query), or null. */
  async findByToken(token: string): Promise<(AccessTokenEntity & { user: UserEntity }) | null> {
    const [found] = await this.byTokenHash.all(hashToken(token));
    if (!found) return null;
    const db = this.tokens.manager.connection;
    const row = Object.assign(hydrate(db, AccessTokenEntity, found, 't_'), { user: hydrate(db, UserEntity, found, 'u_') });
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      row.lastUsedAt = new Date();
      await this.tokens.update({ id: row.id }, { lastUsedAt: row.lastUsedAt });
    }
    return row;
  }
}
