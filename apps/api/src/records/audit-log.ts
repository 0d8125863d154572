import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditAction, AuditEntry } from '@parley/contracts';
import { Repository } from 'typeorm';
import { UsersService } from '../users/users.service';
import { AuditEntryEntity } from './records.entities';

/** How many entries one page of the audit log holds at most. */
export const AUDIT_PAGE_MAX = 100;

/**
 * The audit log of records (issue 13): every export (a member's transcript, an admin's compliance export and
 * its downloads) and every retention and hold change, with who and when. Entries are only ever added.
 */
@Injectable()
export class AuditLog {
  constructor(
    @InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>,
    private readonly users: UsersService,
  ) {}

  async record(actorId: string, action: AuditAction, details: Record<string, unknown>): Promise<void> {
    await this.entries.insert({ actorId, action, details: JSON.stringify(details), createdAt: new Date() });
  }

  /** The newest entries first; `before`: an entry's id, for the next page. */
  async list(limit: number, before?: string): Promise<AuditEntry[]> {
    const query = this.entries.createQueryBuilder('a').orderBy('a.createdAt', 'DESC').addOrderBy('a.id', 'DESC').take(Math.min(limit, AUDIT_PAGE_MAX));
    if (before) {
      const from = await this.entries.findOneBy({ id: before });
      if (from) query.where('(a.createdAt < :at OR (a.createdAt = :at AND a.id < :id))', { at: from.createdAt, id: from.id });
    }
    const rows = await query.getMany();
    const names = await this.users.displayNames([...new Set(rows.map((r) => r.actorId))]);
    return rows.map((r) => ({
      id: r.id,
      actor: { id: r.actorId, name: names.get(r.actorId) ?? 'Former user' },
      action: r.action as AuditAction,
      details: JSON.parse(r.details) as Record<string, unknown>,
      createdAt: r.createdAt.toISOString(),
    }));
  }
}
