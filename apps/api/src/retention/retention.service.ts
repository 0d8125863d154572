import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  AuditAction,
  CreateLegalHoldRequest,
  LegalHold,
  LegalHoldKind,
  RetentionPolicy,
  RetentionReport,
  RetentionRoomChoice,
  RoomKind,
  UpdateRetentionPolicyRequest,
} from '@parley/contracts';
import { Not, Repository } from 'typeorm';
import { errors } from '../common/errors';
import { isUniqueViolation } from '../common/unique-violation';
import { JobsService } from '../jobs/jobs.service';
import { AuditLog } from '../records/audit-log';
import { MessageRetention } from '../messages/message-retention';
import { RoomsService } from '../rooms/rooms.service';
import { UsersService } from '../users/users.service';
import { LegalHoldEntity, RetentionPolicyEntity } from './retention.entities';

const GLOBAL = 'global';
const DAY_MS = 86_400_000;
/** How often a retention pass runs (claimed in the database: one process runs each). */
export const RETENTION_INTERVAL_MS = 3600_000;
/** Messages removed per room per step of a pass (between steps other work goes on). */
const REMOVE_BATCH = 200;

/**
 * Retention (issue 13): a global policy (messages and their files older than N days are removed) with rooms'
 * own periods (or "keep everything"), legal holds on users and rooms that nothing is removed from, a dry run
 * that reports what a pass would remove now, and the pass itself, hourly in whichever process claims it. The dry
 * run and the pass go through the same selection (MessageRetention in the messages module, which owns
 * messages and removes them as tombstones, so clients sync and seq stays gapless). Archived rooms are left as
 * they are (their history is read-only); system lines stay.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap {
  private readonly logger = new Logger(RetentionService.name);
  private running: Promise<RetentionReport> | null = null;

  constructor(
    @InjectRepository(RetentionPolicyEntity) private readonly policies: Repository<RetentionPolicyEntity>,
    @InjectRepository(LegalHoldEntity) private readonly holds: Repository<LegalHoldEntity>,
    private readonly messages: MessageRetention,
    private readonly rooms: RoomsService,
    private readonly users: UsersService,
    private readonly jobs: JobsService,
    private readonly audit: AuditLog,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.every('retention', RETENTION_INTERVAL_MS, async () => {
      const global = await this.policies.findOneBy({ scope: GLOBAL });
      if (global?.enabled) await this.pass(false);
    });
  }

  async policy(): Promise<RetentionPolicy> {
    const rows = await this.policies.find();
    const global = rows.find((r) => r.scope === GLOBAL);
    const roomRows = rows.filter((r) => r.scope !== GLOBAL);
    const names = await this.roomNames();
    return {
      enabled: global?.enabled ?? false,
      days: global?.days ?? null,
      rooms: roomRows.map((r) => ({ roomId: r.scope, roomName: names.get(r.scope) ?? '', days: r.days })),
      holds: await this.listHolds(names),
      lastRun: global?.lastRun ? (JSON.parse(global.lastRun) as RetentionReport) : null,
    };
  }

  async setPolicy(adminId: string, input: UpdateRetentionPolicyRequest): Promise<RetentionPolicy> {
    if (input.enabled && input.days === null && (await this.policies.count({ where: { scope: Not(GLOBAL) } })) === 0) {
      throw errors.validation('days', 'Set a number of days (or rooms\u2019 own periods) before turning retention on');
    }
    await this.policies.upsert({ scope: GLOBAL, enabled: input.enabled, days: input.days, updatedAt: new Date(), updatedBy: adminId }, ['scope']);
    await this.audit.record(adminId, AuditAction.RetentionPolicyChanged, { enabled: input.enabled, days: input.days });
    return this.policy();
  }

  async setRoom(adminId: string, roomId: string, days: number | null): Promise<RetentionPolicy> {
    if (!(await this.rooms.findRoom(roomId))) throw errors.notFound('Room');
    await this.policies.upsert({ scope: roomId, enabled: true, days, updatedAt: new Date(), updatedBy: adminId }, ['scope']);
    await this.audit.record(adminId, AuditAction.RetentionRoomChanged, { roomId, days });
    return this.policy();
  }

  async clearRoom(adminId: string, roomId: string): Promise<RetentionPolicy> {
    const gone = await this.policies.delete({ scope: roomId });
    if (!gone.affected) throw errors.notFound('Room retention');
    await this.audit.record(adminId, AuditAction.RetentionRoomChanged, { roomId, days: 'global' });
    return this.policy();
  }

  async addHold(adminId: string, input: CreateLegalHoldRequest): Promise<LegalHold> {
    const exists = input.kind === LegalHoldKind.User ? await this.users.findById(input.targetId) : await this.rooms.findRoom(input.targetId);
    if (!exists) throw errors.validation('targetId', input.kind === LegalHoldKind.User ? 'No such user' : 'No such room');
    try {
      const saved = await this.holds.save(this.holds.create({ kind: input.kind, targetId: input.targetId, reason: input.reason.trim(), createdBy: adminId }));
      await this.audit.record(adminId, AuditAction.LegalHoldAdded, { holdId: saved.id, kind: saved.kind, targetId: saved.targetId, reason: saved.reason });
      return (await this.listHolds(await this.roomNames())).find((h) => h.id === saved.id)!;
    } catch (err) {
      if (isUniqueViolation(err)) throw errors.conflict(input.kind === LegalHoldKind.User ? 'This user is already on hold' : 'This room is already on hold', 'targetId');
      throw err;
    }
  }

  async removeHold(adminId: string, id: string): Promise<void> {
    const hold = await this.holds.findOneBy({ id });
    if (!hold) throw errors.notFound('Legal hold');
    await this.holds.delete({ id });
    await this.audit.record(adminId, AuditAction.LegalHoldLifted, { holdId: id, kind: hold.kind, targetId: hold.targetId });
  }

  /** Rooms whose name holds `q` (case ignored), for the admin's pickers: group and public rooms, at most 20. */
  async findRooms(q: string): Promise<RetentionRoomChoice[]> {
    const wanted = q.trim().toLocaleLowerCase();
    return (await this.rooms.allRooms())
      .filter((r) => r.kind !== RoomKind.Direct && r.name.toLocaleLowerCase().includes(wanted))
      .slice(0, 20)
      .map((r) => ({ id: r.id, name: r.name, kind: r.kind, archived: r.archivedAt !== null }));
  }

  /** What a pass would remove now (whether or not retention is on). */
  preview(): Promise<RetentionReport> {
    return this.pass(true);
  }

  /** Runs a pass now (an admin's "apply now"); refused while retention is off. */
  async runNow(adminId: string): Promise<RetentionReport> {
    const global = await this.policies.findOneBy({ scope: GLOBAL });
    if (!global?.enabled) throw errors.conflict('Retention is off: turn it on first (the dry run shows what it would remove)');
    const report = await this.pass(false);
    await this.audit.record(adminId, AuditAction.RetentionRun, { messages: report.messages, files: report.files, rooms: report.rooms.length });
    return report;
  }

  // ---- the pass ----

  /** One pass at a time in this process (the job's claim keeps other processes out). */
  private pass(dryRun: boolean): Promise<RetentionReport> {
    if (dryRun) return this.go(true);
    const run = (this.running ?? Promise.resolve(null as unknown as RetentionReport)).catch(() => undefined).then(() => this.go(false));
    this.running = run;
    return run.finally(() => {
      if (this.running === run) this.running = null;
    });
  }

  private async go(dryRun: boolean): Promise<RetentionReport> {
    const now = new Date();
    const rows = await this.policies.find();
    const global = rows.find((r) => r.scope === GLOBAL);
    const own = new Map(rows.filter((r) => r.scope !== GLOBAL).map((r) => [r.scope, r.days]));
    const holds = await this.holds.find();
    const heldRooms = new Set(holds.filter((h) => h.kind === LegalHoldKind.Room).map((h) => h.targetId));
    const heldUsers = new Set(holds.filter((h) => h.kind === LegalHoldKind.User).map((h) => h.targetId));
    const report: RetentionReport = { dryRun, at: now.toISOString(), messages: 0, files: 0, rooms: [], heldRooms: 0 };
    for (const room of await this.rooms.allRooms()) {
      const days = own.has(room.id) ? own.get(room.id)! : (global?.days ?? null);
      if (days === null || room.archivedAt) continue;
      if (heldRooms.has(room.id)) {
        report.heldRooms++;
        continue;
      }
      const cutoff = new Date(now.getTime() - days * DAY_MS);
      let messages = 0;
      let files = 0;
      if (dryRun) {
        const { ids } = await this.messages.expiring(room.id, cutoff, heldUsers);
        messages = ids.length;
        files = await this.messages.filesOf(ids);
      } else {
        // A batch at a time, each going on from where the last one stopped.
        for (let after: number | null = 0; after !== null; ) {
          const batch = await this.messages.expiring(room.id, cutoff, heldUsers, REMOVE_BATCH, after);
          const removed = await this.messages.expire(batch.ids, now);
          messages += removed.messages;
          files += removed.files;
          after = batch.next;
        }
      }
      if (messages === 0) continue;
      report.messages += messages;
      report.files += files;
      report.rooms.push({ roomId: room.id, roomName: room.kind === RoomKind.Direct ? 'Direct conversation' : room.name, days, cutoff: cutoff.toISOString(), messages, files });
    }
    if (!dryRun) {
      await this.policies.update({ scope: GLOBAL }, { lastRun: JSON.stringify(report) });
      if (report.messages) this.logger.log(`Retention removed ${report.messages} messages and ${report.files} files in ${report.rooms.length} rooms`);
    }
    return report;
  }

  private async roomNames(): Promise<Map<string, string>> {
    return new Map((await this.rooms.allRooms()).map((r) => [r.id, r.kind === RoomKind.Direct ? 'Direct conversation' : r.name]));
  }

  private async listHolds(roomNames: Map<string, string>): Promise<LegalHold[]> {
    const rows = await this.holds.find({ order: { createdAt: 'ASC' } });
    const people = await this.users.displayNames([...new Set(rows.flatMap((h) => (h.kind === LegalHoldKind.User ? [h.targetId, h.createdBy] : [h.createdBy])))]);
    return rows.map((h) => ({
      id: h.id,
      kind: h.kind,
      targetId: h.targetId,
      targetName: (h.kind === LegalHoldKind.User ? people.get(h.targetId) : roomNames.get(h.targetId)) ?? '',
      reason: h.reason,
      createdAt: h.createdAt.toISOString(),
      createdBy: { id: h.createdBy, name: people.get(h.createdBy) ?? '' },
    }));
  }
}
