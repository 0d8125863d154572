import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CalendarNotice, CalendarNoticeKind, CalendarSettings, REMINDER_DEFAULT_MINUTES, REMINDER_MAX_MINUTES, RoomKind, RsvpStatus } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { Brackets, In, MoreThanOrEqual, Repository } from 'typeorm';
import { errors } from '../common/errors';
import { AppEvents } from '../events/app-events';
import { JobsService } from '../jobs/jobs.service';
import { RoomsService } from '../rooms/rooms.service';
import { CalendarEventEntity, CalendarEventReminderEntity, CalendarExceptionEntity, CalendarNoticeEntity, CalendarRsvpEntity, CalendarSettingsEntity } from './calendar.entities';
import { expand, ExpandedOccurrence, scheduleOf } from './schedule';

/** How often a process offers to look for due reminders (one process per interval does, claimed in the database). */
export const REMINDER_TICK_MS = 10_000;
/** A "starting now" notice goes out up to this long after the start (not after a longer outage). */
export const STARTING_WINDOW_MS = 15 * 60_000;
/** How far back the notice list reaches. */
const NOTICES_KEPT_DAYS = 14;
const NOTICES_LISTED = 50;
/** The most events one pass looks at. */
const EVENTS_PER_PASS = 5000;
/** How far ahead a cancellation notice looks for the next occurrence of a cancelled event. */
const CANCELLED_LOOKAHEAD_MS = 60 * 86_400_000;
const CHUNK = 500;

const JOB = 'calendar-reminders';

/** A notice with the person it is for (what the delivery layer needs). */
export type AddressedNotice = CalendarNotice & { userId: string };

type Candidate = Omit<CalendarNoticeEntity, 'id' | 'at' | 'dismissedAt'>;

/** A reminder choice: whole minutes 0–REMINDER_MAX_MINUTES, or null for none; else a 400 naming `field`. */
export function checkedMinutes(value: unknown, field: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > REMINDER_MAX_MINUTES) {
    throw errors.validation(field, `${field} must be a whole number of minutes from 0 to ${REMINDER_MAX_MINUTES}, or null for no reminder`);
  }
  return value;
}

/**
 * Reminders and notices (docs/calendar.md "Reminders"). Each user has a default reminder (15 minutes before
 * unless they change it, or none) and may choose another for any event. Every REMINDER_TICK_MS one process
 * (claimed through jobs/) looks for occurrences whose reminder is due and inserts one notice row per person; the
 * row's unique key (event, occurrence, person, kind, start) means a notice is written once whatever the number of
 * processes, and only the process whose insert won sends it (`calendar.notices`, delivered as `calendar:notice`).
 * A reminder that fell due while no process ran goes out late if the occurrence has not started yet. People who
 * answered "going" or "maybe" get a "starting now" notice; everyone but the one who cancelled gets a cancellation
 * notice for an upcoming occurrence.
 */
@Injectable()
export class CalendarReminders implements OnApplicationBootstrap {
  constructor(
    @InjectRepository(CalendarEventEntity) private readonly events: Repository<CalendarEventEntity>,
    @InjectRepository(CalendarExceptionEntity) private readonly exceptions: Repository<CalendarExceptionEntity>,
    @InjectRepository(CalendarRsvpEntity) private readonly rsvps: Repository<CalendarRsvpEntity>,
    @InjectRepository(CalendarSettingsEntity) private readonly settings: Repository<CalendarSettingsEntity>,
    @InjectRepository(CalendarEventReminderEntity) private readonly choices: Repository<CalendarEventReminderEntity>,
    @InjectRepository(CalendarNoticeEntity) private readonly notices: Repository<CalendarNoticeEntity>,
    private readonly rooms: RoomsService,
    private readonly jobs: JobsService,
    private readonly bus: AppEvents,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.every(JOB, REMINDER_TICK_MS, () => this.pass());
  }

  async getSettings(userId: string): Promise<CalendarSettings> {
    const row = await this.settings.findOneBy({ userId });
    return { reminderMinutes: row ? row.reminderMinutes : REMINDER_DEFAULT_MINUTES };
  }

  async setSettings(userId: string, input: { reminderMinutes?: unknown }): Promise<CalendarSettings> {
    if (input.reminderMinutes === undefined) throw errors.validation('reminderMinutes', 'reminderMinutes is required (null for no reminders)');
    const reminderMinutes = checkedMinutes(input.reminderMinutes, 'reminderMinutes');
    await this.settings.upsert({ userId, reminderMinutes, updatedAt: new Date() }, ['userId']);
    return { reminderMinutes };
  }

  /** The caller's own reminder for an event they can see (the caller checked membership). */
  async setForEvent(userId: string, eventId: string, minutes: unknown): Promise<{ minutes: number | null }> {
    if (minutes === undefined) throw errors.validation('minutes', 'minutes is required (null for no reminder)');
    const value = checkedMinutes(minutes, 'minutes');
    await this.choices.upsert({ eventId, userId, minutes: value }, ['eventId', 'userId']);
    return { minutes: value };
  }

  async clearForEvent(userId: string, eventId: string): Promise<void> {
    await this.choices.delete({ eventId, userId });
  }

  /** The caller's own choices for these events (events they did not choose for are left out). */
  async choicesFor(userId: string, eventIds: string[]): Promise<Record<string, number | null>> {
    const out: Record<string, number | null> = {};
    for (let i = 0; i < eventIds.length; i += CHUNK) {
      for (const row of await this.choices.findBy({ userId, eventId: In(eventIds.slice(i, i + CHUNK)) })) out[row.eventId] = row.minutes;
    }
    return out;
  }

  /** The user's recent notices, newest first, in rooms they are still in. */
  async list(userId: string): Promise<AddressedNotice[]> {
    const since = new Date(Date.now() - NOTICES_KEPT_DAYS * 86_400_000);
    const rows = await this.notices.find({ where: { userId, at: MoreThanOrEqual(since) }, order: { at: 'DESC' }, take: NOTICES_LISTED * 2 });
    const mine = new Set(await this.rooms.roomIdsForUser(userId));
    const kept = rows.filter((r) => mine.has(r.roomId)).slice(0, NOTICES_LISTED);
    return this.describe(kept);
  }

  /** Marks one of my notices dismissed (on every device: `calendar.notice-dismissed`); 404 for anyone else's. */
  async dismiss(userId: string, id: string): Promise<void> {
    const row = await this.notices.findOneBy({ id, userId });
    if (!row) throw errors.notFound('Notice');
    if (row.dismissedAt) return;
    await this.notices.update({ id, userId }, { dismissedAt: new Date() });
    await this.bus.emit('calendar.notice-dismissed', { userId, id });
  }

  /** One pass: every reminder and "starting now" notice due at `now`, written once and sent. Returns what it sent. */
  async pass(now = new Date()): Promise<AddressedNotice[]> {
    const lead = await this.longestLead();
    const from = new Date(now.getTime() - STARTING_WINDOW_MS);
    const to = new Date(now.getTime() + lead * 60_000 + 1);
    const rows = await this.events
      .createQueryBuilder('e')
      .where('e.cancelled = :no', { no: false })
      .andWhere('e.firstStart < :to', { to })
      .andWhere(new Brackets((b) => b.where('e.lastEnd IS NULL').orWhere('e.lastEnd > :from', { from })))
      .orderBy('e.firstStart', 'ASC')
      .take(EVENTS_PER_PASS)
      .getMany();
    if (!rows.length) return [];
    const eventIds = rows.map((r) => r.id);
    const [exceptions, answers, choices] = await Promise.all([this.byEvent(this.exceptions, eventIds), this.byEvent(this.rsvps, eventIds), this.byEvent(this.choices, eventIds)]);
    const members = new Map<string, string[]>();
    const candidates: Candidate[] = [];
    for (const row of rows) {
      const due = expand(scheduleOf(row).source, exceptions.get(row.id) ?? [], from, to).filter((o) => !o.cancelled && o.end > now);
      if (!due.length) continue;
      if (!members.has(row.roomId)) members.set(row.roomId, await this.rooms.memberIds(row.roomId));
      const people = members.get(row.roomId)!;
      const defaults = await this.defaultsFor(people);
      const chosen = new Map((choices.get(row.id) ?? []).map((c) => [c.userId, c.minutes]));
      const answered = new Map((answers.get(row.id) ?? []).map((a) => [`${a.occurrence}|${a.userId}`, a.status as RsvpStatus]));
      for (const o of due) {
        for (const userId of people) {
          const status = answered.get(`${o.key}|${userId}`);
          if (status === 'declined') continue;
          const minutes = chosen.has(userId) ? chosen.get(userId)! : (defaults.get(userId) ?? REMINDER_DEFAULT_MINUTES);
          if (minutes === null) continue;
          const kind = noticeDue(o, minutes, status ?? null, now);
          if (kind) candidates.push(candidate(row, o, userId, kind, kind === CalendarNoticeKind.Reminder ? minutes : null));
        }
      }
    }
    return this.send(await this.unsent(candidates, from), now);
  }

  /** The candidates not written yet (a pass sees a due reminder on every run until the occurrence starts). */
  private async unsent(candidates: Candidate[], since: Date): Promise<Candidate[]> {
    if (!candidates.length) return [];
    const key = (c: Pick<Candidate, 'eventId' | 'occurrence' | 'userId' | 'kind' | 'startAt'>) => `${c.eventId}|${c.occurrence}|${c.userId}|${c.kind}|${c.startAt.getTime()}`;
    const written = new Set<string>();
    const eventIds = [...new Set(candidates.map((c) => c.eventId))];
    for (let i = 0; i < eventIds.length; i += CHUNK) {
      const rows = await this.notices.find({
        select: { eventId: true, occurrence: true, userId: true, kind: true, startAt: true },
        where: { eventId: In(eventIds.slice(i, i + CHUNK)), startAt: MoreThanOrEqual(since) },
      });
      for (const r of rows) written.add(key(r));
    }
    return candidates.filter((c) => !written.has(key(c)));
  }

  /**
   * Tells the room's members (but the one who did it, and those who declined) that an occurrence, or the whole
   * event, was cancelled: for an event, about its next occurrence still to come; nothing for one already over.
   */
  async cancelled(row: CalendarEventEntity, actorId: string, occurrence: string | null): Promise<void> {
    const now = new Date();
    const all = expand(scheduleOf(row).source, await this.exceptions.findBy({ eventId: row.id }), now, new Date(now.getTime() + CANCELLED_LOOKAHEAD_MS));
    const o = occurrence === null ? all.find((x) => !x.cancelled && x.start > now) : all.find((x) => x.key === occurrence);
    if (!o || o.start <= now) return;
    const declined = new Set((await this.rsvps.findBy({ eventId: row.id, occurrence: o.key, status: 'declined' })).map((a) => a.userId));
    const people = (await this.rooms.memberIds(row.roomId)).filter((id) => id !== actorId && !declined.has(id));
    await this.send(
      people.map((userId) => candidate(row, o, userId, CalendarNoticeKind.Cancelled, null)),
      now,
    );
  }

  /** Inserts the notices (a row already there wins: it was sent), and sends the ones this call wrote. */
  private async send(candidates: Candidate[], now: Date): Promise<AddressedNotice[]> {
    if (!candidates.length) return [];
    const rows = candidates.map((c) => this.notices.create({ ...c, id: randomUUID(), at: now, dismissedAt: null }));
    for (let i = 0; i < rows.length; i += CHUNK) {
      await this.notices.createQueryBuilder().insert().into(CalendarNoticeEntity).values(rows.slice(i, i + CHUNK)).orIgnore().execute();
    }
    // The rows whose id is stored are the ones this insert wrote; the others were written before (by any process).
    const written: CalendarNoticeEntity[] = [];
    for (let i = 0; i < rows.length; i += CHUNK) written.push(...(await this.notices.findBy({ id: In(rows.slice(i, i + CHUNK).map((r) => r.id)) })));
    if (!written.length) return [];
    const notices = await this.describe(written);
    await this.bus.emit('calendar.notices', { notices });
    return notices;
  }

  /** Notices as their people see them: the room's name (a direct room by the other person's) and the event's title. */
  private async describe(rows: CalendarNoticeEntity[]): Promise<AddressedNotice[]> {
    if (!rows.length) return [];
    const events = new Map<string, CalendarEventEntity>();
    const ids = [...new Set(rows.map((r) => r.eventId))];
    for (let i = 0; i < ids.length; i += CHUNK) for (const e of await this.events.findBy({ id: In(ids.slice(i, i + CHUNK)) })) events.set(e.id, e);
    const roomNames = new Map<string, string>();
    const nameOf = async (roomId: string, userId: string) => {
      const shared = roomNames.get(roomId);
      if (shared !== undefined) return shared;
      const summary = await this.rooms.findSummary(roomId, userId);
      if (summary && summary.kind !== RoomKind.Direct) roomNames.set(roomId, summary.name);
      return summary?.name ?? '';
    };
    const out: AddressedNotice[] = [];
    for (const r of rows) {
      const event = events.get(r.eventId);
      if (!event) continue;
      out.push({
        id: r.id,
        userId: r.userId,
        kind: r.kind as CalendarNoticeKind,
        roomId: r.roomId,
        roomName: await nameOf(r.roomId, r.userId),
        eventId: r.eventId,
        occurrence: r.occurrence,
        title: event.title,
        allDay: event.allDay,
        timeZone: event.timeZone,
        start: r.startAt.toISOString(),
        end: r.endAt.toISOString(),
        minutesBefore: r.minutesBefore,
        at: r.at.toISOString(),
        dismissedAt: r.dismissedAt ? r.dismissedAt.toISOString() : null,
      });
    }
    return out;
  }

  /** The longest lead anyone asked for (the pass looks that far ahead). */
  private async longestLead(): Promise<number> {
    const fromSettings = await this.settings.createQueryBuilder('s').select('MAX(s.reminderMinutes)', 'max').getRawOne<{ max: number | string | null }>();
    const fromChoices = await this.choices.createQueryBuilder('c').select('MAX(c.minutes)', 'max').getRawOne<{ max: number | string | null }>();
    return Math.max(REMINDER_DEFAULT_MINUTES, Number(fromSettings?.max ?? 0), Number(fromChoices?.max ?? 0));
  }

  private async defaultsFor(userIds: string[]): Promise<Map<string, number | null>> {
    const out = new Map<string, number | null>();
    for (let i = 0; i < userIds.length; i += CHUNK) {
      for (const s of await this.settings.findBy({ userId: In(userIds.slice(i, i + CHUNK)) })) out.set(s.userId, s.reminderMinutes);
    }
    return out;
  }

  private async byEvent<T extends { eventId: string }>(repo: Repository<T>, eventIds: string[]): Promise<Map<string, T[]>> {
    const out = new Map<string, T[]>();
    for (let i = 0; i < eventIds.length; i += CHUNK) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- every table here has an eventId column
      for (const row of await repo.findBy({ eventId: In(eventIds.slice(i, i + CHUNK)) } as any)) out.set(row.eventId, [...(out.get(row.eventId) ?? []), row]);
    }
    return out;
  }
}

/**
 * Which notice, if any, one person is due for one occurrence at `now`: the reminder from `minutes` before the
 * start until the start (late ones too, while it has not started), then "starting now" for those going or maybe
 * during STARTING_WINDOW_MS (not for a reminder set to the start itself, which already said so).
 */
export function noticeDue(o: Pick<ExpandedOccurrence, 'start' | 'end'>, minutes: number, status: RsvpStatus | null, now: Date): CalendarNoticeKind | null {
  const start = o.start.getTime();
  const t = now.getTime();
  if (t < start) return t >= start - minutes * 60_000 ? CalendarNoticeKind.Reminder : null;
  if (minutes === 0 || (status !== 'going' && status !== 'maybe')) return null;
  return t < start + STARTING_WINDOW_MS && t < o.end.getTime() ? CalendarNoticeKind.Starting : null;
}

function candidate(row: CalendarEventEntity, o: ExpandedOccurrence, userId: string, kind: CalendarNoticeKind, minutesBefore: number | null): Candidate {
  return { userId, eventId: row.id, roomId: row.roomId, occurrence: o.key, kind, minutesBefore, startAt: o.start, endAt: o.end };
}
