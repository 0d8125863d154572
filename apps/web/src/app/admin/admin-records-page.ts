import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { LegalHold, LegalHoldKind, RETENTION_DAYS_MAX, RetentionPolicy, RetentionReport, LEGAL_HOLD_REASON_MAX_LENGTH } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AdminUsersApi } from '../core/admin-users-api';
import { AdminNav } from './admin-nav';
import { ComplianceSection } from './compliance-section';
import { formMessage, toApiError } from '../core/api-error';
import { RetentionApi } from '../core/retention-api';
import { Confirmation } from '../shared/dialog/confirmation';
import { counted } from '../shared/local-day';
import { LocalTimePipe } from '../shared/local-time-pipe';

/** Something a period or a hold can be set on, as the pickers list it. */
interface Choice {
  id: string;
  label: string;
}

/** Reads a days field: a whole number in range, null when empty, or undefined when it is not valid. */
function daysOf(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isInteger(n) && n >= 1 && n <= RETENTION_DAYS_MAX ? n : undefined;
}

/**
 * Admin → Records: the retention policy (on or off, how many days), rooms' own periods ("keep everything" or
 * their own number of days), legal holds on people and rooms, and the dry run, which says what a pass would
 * remove now, before anything is turned on.
 */
@Component({
  selector: 'app-admin-records-page',
  imports: [LocalTimePipe, AdminNav, ComplianceSection],
  templateUrl: './admin-records-page.html',
  styleUrl: './admin-records-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AdminRecordsPage {
  private readonly api = inject(RetentionApi);
  private readonly usersApi = inject(AdminUsersApi);
  private readonly confirmation = inject(Confirmation);

  protected readonly daysMax = RETENTION_DAYS_MAX;
  protected readonly reasonMax = LEGAL_HOLD_REASON_MAX_LENGTH;
  protected readonly policy = signal<RetentionPolicy | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly said = signal('');
  protected readonly busy = signal<string | null>(null);

  // The policy form.
  protected readonly enabled = signal(false);
  protected readonly days = signal('');

  // The dry run (or the last pass run from here).
  protected readonly report = signal<RetentionReport | null>(null);

  // A room's own period.
  protected readonly roomQuery = signal('');
  protected readonly roomChoices = signal<Choice[]>([]);
  protected readonly room = signal<Choice | null>(null);
  protected readonly roomDays = signal('');

  // A hold.
  protected readonly holdKind = signal<LegalHoldKind>(LegalHoldKind.User);
  protected readonly holdQuery = signal('');
  protected readonly holdChoices = signal<Choice[]>([]);
  protected readonly holdTarget = signal<Choice | null>(null);
  protected readonly holdReason = signal('');

  protected readonly summary = computed(() => {
    const r = this.report();
    if (!r) return null;
    const what = `${counted(r.messages, 'message', 'messages')} and ${counted(r.files, 'file', 'files')} in ${counted(r.rooms.length, 'room', 'rooms')}`;
    const held = r.heldRooms ? ` ${counted(r.heldRooms, 'room is', 'rooms are')} on hold.` : '';
    return (r.dryRun ? `A pass now would remove ${what}.` : `Removed ${what}.`) + held;
  });

  constructor() {
    void this.load();
  }

  protected holdLabel(hold: LegalHold): string {
    return hold.kind === LegalHoldKind.User ? 'Person' : 'Room';
  }

  protected async savePolicy(): Promise<void> {
    const days = daysOf(this.days());
    if (days === undefined) return this.fail(`Days must be a whole number from 1 to ${RETENTION_DAYS_MAX}, or empty.`);
    await this.act('policy', async () => {
      this.show(await firstValueFrom(this.api.setPolicy({ enabled: this.enabled(), days })));
      this.said.set(this.enabled() ? 'Retention is on: a pass runs every hour.' : 'Retention is off: nothing is removed.');
    });
  }

  protected async dryRun(): Promise<void> {
    await this.act('preview', async () => this.report.set(await firstValueFrom(this.api.preview())));
  }

  protected async runNow(): Promise<void> {
    const ok = await this.confirmation.ask({
      title: 'Remove old messages now?',
      details: ['Everything the dry run lists is removed for everyone, with its files. Deleted messages stay as "This message was deleted."', 'This cannot be undone.'],
      confirmLabel: 'Remove now',
      danger: true,
    });
    if (!ok) return;
    await this.act('run', async () => {
      this.report.set(await firstValueFrom(this.api.run()));
      this.show(await firstValueFrom(this.api.policy()));
    });
  }

  protected async findRooms(q: string, into: 'room' | 'hold'): Promise<void> {
    (into === 'room' ? this.roomQuery : this.holdQuery).set(q);
    (into === 'room' ? this.room : this.holdTarget).set(null);
    if (q.trim().length < 2) return (into === 'room' ? this.roomChoices : this.holdChoices).set([]);
    const rooms = await firstValueFrom(this.api.rooms(q)).catch(() => []);
    (into === 'room' ? this.roomChoices : this.holdChoices).set(rooms.map((r) => ({ id: r.id, label: r.archived ? `${r.name} (archived)` : r.name })));
  }

  protected async findPeople(q: string): Promise<void> {
    this.holdQuery.set(q);
    this.holdTarget.set(null);
    if (q.trim().length < 2) return this.holdChoices.set([]);
    const page = await firstValueFrom(this.usersApi.list({ q, pageSize: 10 })).catch(() => null);
    this.holdChoices.set((page?.items ?? []).map((u) => ({ id: u.id, label: `${u.displayName} (@${u.username})` })));
  }

  protected pickRoom(choice: Choice): void {
    this.room.set(choice);
    this.roomQuery.set(choice.label);
    this.roomChoices.set([]);
  }

  protected pickHoldTarget(choice: Choice): void {
    this.holdTarget.set(choice);
    this.holdQuery.set(choice.label);
    this.holdChoices.set([]);
  }

  protected setHoldKind(kind: string): void {
    this.holdKind.set(kind === LegalHoldKind.Room ? LegalHoldKind.Room : LegalHoldKind.User);
    this.holdQuery.set('');
    this.holdTarget.set(null);
    this.holdChoices.set([]);
  }

  protected async saveRoom(): Promise<void> {
    const room = this.room();
    const days = daysOf(this.roomDays());
    if (!room) return this.fail('Choose a room first.');
    if (days === undefined) return this.fail(`Days must be a whole number from 1 to ${RETENTION_DAYS_MAX}, or empty to keep everything.`);
    await this.act('room', async () => {
      this.show(await firstValueFrom(this.api.setRoom(room.id, days)));
      this.said.set(`${room.label}: ${days === null ? 'everything is kept' : `messages older than ${days} days go`}.`);
      this.room.set(null);
      this.roomQuery.set('');
      this.roomDays.set('');
    });
  }

  protected async clearRoom(roomId: string, name: string): Promise<void> {
    await this.act(`room:${roomId}`, async () => {
      this.show(await firstValueFrom(this.api.clearRoom(roomId)));
      this.said.set(`${name} follows the global policy again.`);
    });
  }

  protected async addHold(): Promise<void> {
    const target = this.holdTarget();
    if (!target) return this.fail(this.holdKind() === LegalHoldKind.User ? 'Choose a person first.' : 'Choose a room first.');
    if (!this.holdReason().trim()) return this.fail('Say why (a case or request reference).');
    await this.act('hold', async () => {
      await firstValueFrom(this.api.addHold({ kind: this.holdKind(), targetId: target.id, reason: this.holdReason().trim() }));
      this.show(await firstValueFrom(this.api.policy()));
      this.said.set(`${target.label} is on hold.`);
      this.holdTarget.set(null);
      this.holdQuery.set('');
      this.holdReason.set('');
    });
  }

  protected async liftHold(hold: LegalHold): Promise<void> {
    const ok = await this.confirmation.ask({
      title: `Lift the hold on ${hold.targetName || 'this'}?`,
      details: ['Retention may remove what the hold kept from the next pass on.'],
      confirmLabel: 'Lift hold',
      danger: true,
    });
    if (!ok) return;
    await this.act(`hold:${hold.id}`, async () => {
      await firstValueFrom(this.api.removeHold(hold.id));
      this.show(await firstValueFrom(this.api.policy()));
      this.said.set(`The hold on ${hold.targetName} was lifted.`);
    });
  }

  // ---- helpers ----

  private async load(): Promise<void> {
    try {
      this.show(await firstValueFrom(this.api.policy()));
    } catch (err) {
      this.loadError.set(formMessage(toApiError(err)));
    }
  }

  private show(policy: RetentionPolicy): void {
    this.policy.set(policy);
    this.enabled.set(policy.enabled);
    this.days.set(policy.days === null ? '' : String(policy.days));
  }

  private fail(message: string): void {
    this.said.set('');
    this.error.set(message);
  }

  private async act(what: string, run: () => Promise<void>): Promise<void> {
    if (this.busy()) return;
    this.busy.set(what);
    this.error.set(null);
    this.said.set('');
    try {
      await run();
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    } finally {
      this.busy.set(null);
    }
  }
}
