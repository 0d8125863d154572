import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Page, UserRole } from '@parley/contracts';
import { Brackets, EntityManager, In, IsNull, Repository } from 'typeorm';
import { likePattern } from '../common/paging';
import { AppEvents } from '../events/app-events';
import { UserEntity } from './user.entity';
import { errors } from '../common/errors';

export interface NewUser {
  username: string;
  email: string;
  displayName: string;
  passwordHash: string;
}

export interface ProfileChanges {
  username?: string;
  email?: string;
  displayName?: string;
  statusText?: string;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly events: AppEvents,
  ) {}

  async findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** The display names of these users (missing ones left out). */
  async displayNames(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.users.find({ where: { id: In(ids) }, select: { id: true, displayName: true } });
    return new Map(rows.map((u) => [u.id, u.displayName]));
  }

  async getById(id: string): Promise<UserEntity> {
    const user = await this.findById(id);
    if (!user) throw errors.notFound('User');
    return user;
  }

  /** By username or email, with the password hash (for sign-in only). */
  async findByLoginWithHash(login: string): Promise<UserEntity | null> {
    const key = login.trim().toLowerCase();
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where(key.includes('@') ? 'u.email = :key' : 'u.username = :key', { key })
      .getOne();
  }

  async getPasswordHash(id: string): Promise<string> {
    const row = await this.users.createQueryBuilder('u').addSelect('u.passwordHash').where('u.id = :id', { id }).getOne();
    if (!row) throw errors.notFound('User');
    return row.passwordHash;
  }

  /** Creates the account; the very first account becomes an admin. */
  async create(data: NewUser): Promise<UserEntity> {
    return this.users.manager.transaction(async (em) => {
      await this.assertAvailable(em, { username: data.username, email: data.email });
      const isFirst = (await em.count(UserEntity)) === 0;
      const user = em.create(UserEntity, {
        ...data,
        statusText: '',
        role: isFirst ? UserRole.Admin : UserRole.Member,
        deactivatedAt: null,
        lastLoginAt: null,
      });
      return em.save(user);
    });
  }

  async countUsers(): Promise<number> {
    return this.users.count();
  }

  async updateProfile(user: UserEntity, changes: ProfileChanges): Promise<UserEntity> {
    const updated = await this.users.manager.transaction(async (em) => {
      await this.assertAvailable(
        em,
        {
          username: changes.username !== user.username ? changes.username : undefined,
          email: changes.email !== user.email ? changes.email : undefined,
        },
        user.id,
      );
      const fresh = await em.findOneByOrFail(UserEntity, { id: user.id });
      Object.assign(fresh, Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)));
      return em.save(fresh);
    });
    await this.events.emit('user.updated', { userId: user.id });
    return updated;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.users.update({ id: userId }, { passwordHash });
  }

  async recordLogin(userId: string): Promise<void> {
    await this.users.update({ id: userId }, { lastLoginAt: new Date() });
  }

  /** When each of these users was last seen (null: never, or still online). */
  async lastSeenOf(userIds: string[]): Promise<Map<string, Date | null>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.users.find({ where: { id: In(userIds) }, select: { id: true, lastSeenAt: true } });
    return new Map(rows.map((u) => [u.id, u.lastSeenAt]));
  }

  /** These users' last tab closed (after the grace period) at `at`. */
  async recordLastSeen(userIds: string[], at: Date): Promise<void> {
    if (userIds.length) await this.users.update({ id: In(userIds) }, { lastSeenAt: at });
  }

  async setActive(userId: string, active: boolean): Promise<UserEntity> {
    const user = await this.getById(userId);
    if (active !== (user.deactivatedAt === null)) {
      user.deactivatedAt = active ? null : new Date();
      await this.users.update({ id: userId }, { deactivatedAt: user.deactivatedAt });
      if (!active) await this.events.emit('user.deactivated', { userId });
    }
    return user;
  }

  /**
   * The directory: active users whose username or display name contains `q`. An email address is private
   * (profiles hide it), so it matches only when `q` is the whole address; admins, who see every address,
   * match parts of it too.
   */
  async search(
    q: string | undefined,
    page: number,
    pageSize: number,
    opts: { includeInactive?: boolean; emailSubstring?: boolean } = {},
  ): Promise<Page<UserEntity>> {
    const qb = this.users.createQueryBuilder('u');
    if (!opts.includeInactive) qb.where({ deactivatedAt: IsNull() });
    const term = q?.trim();
    if (term) {
      const pattern = likePattern(term);
      qb.andWhere(
        new Brackets((w) => {
          w.where("u.username LIKE :p ESCAPE '\\'", { p: pattern }).orWhere("LOWER(u.displayName) LIKE :p ESCAPE '\\'", { p: pattern });
          if (opts.emailSubstring) w.orWhere("u.email LIKE :p ESCAPE '\\'", { p: pattern });
          else w.orWhere('u.email = :email', { email: term.toLowerCase() });
        }),
      );
    }
    const [items, total] = await qb
      .orderBy('u.username', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items, total, page, pageSize };
  }

  private async assertAvailable(em: EntityManager, wanted: { username?: string; email?: string }, exceptId?: string): Promise<void> {
    if (wanted.username) {
      const taken = await em.findOneBy(UserEntity, { username: wanted.username });
      if (taken && taken.id !== exceptId) {
        throw errors.conflict('That username is already taken', 'username');
      }
    }
    if (wanted.email) {
      const taken = await em.findOneBy(UserEntity, { email: wanted.email });
      if (taken && taken.id !== exceptId) {
        throw errors.conflict('That email address is already registered', 'email');
      }
    }
  }
}
