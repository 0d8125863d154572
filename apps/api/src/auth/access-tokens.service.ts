import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ACCESS_TOKEN_PREFIX, AccessToken, CreatedAccessToken, MAX_ACCESS_TOKENS_PER_USER } from '@parley/contracts';
import { Repository } from 'typeorm';
import { AppEvents } from '../events/app-events';
import { UserEntity } from '../users/user.entity';
import { AccessTokenEntity } from './access-token.entity';
import { tokenLookup } from './token-lookup';
import { generateToken, hashToken } from './tokens';
import { errors } from '../common/errors';

const TOUCH_INTERVAL_MS = 60_000;

function toAccessToken(t: AccessTokenEntity): AccessToken {
  return { id: t.id, name: t.name, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null };
}

@Injectable()
export class AccessTokensService {
  /** The token's row with its user: every request authenticated by an access token runs it. */
  private readonly lookup: (token: string) => Promise<(AccessTokenEntity & { user: UserEntity }) | null>;

  constructor(
    @InjectRepository(AccessTokenEntity) private readonly tokens: Repository<AccessTokenEntity>,
    private readonly events: AppEvents,
  ) {
    // A deactivated account's tokens are revoked, not suspended: reactivating it does not bring them back.
    events.on('user.deactivated', ({ userId }) => this.revokeAllForUser(userId));
    this.lookup = tokenLookup(tokens.manager.connection, AccessTokenEntity, 'access_tokens');
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
    const row = await this.lookup(token);
    if (!row) return null;
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      row.lastUsedAt = new Date();
      await this.tokens.update({ id: row.id }, { lastUsedAt: row.lastUsedAt });
    }
    return row;
  }
}
