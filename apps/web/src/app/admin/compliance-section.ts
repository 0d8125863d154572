import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { AuditAction, AuditEntry, ComplianceExport, ComplianceExportStatus } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AdminUsersApi } from '../core/admin-users-api';
import { formMessage, toApiError } from '../core/api-error';
import { RecordsApi } from '../core/records-api';
import { RetentionApi } from '../core/retention-api';
import { formatFileSize } from '../shared/file-size';
import { counted, dayStart, dayValue } from '../shared/local-day';
import { LocalTimePipe } from '../shared/local-time-pipe';

/** How often running exports are asked about. */
const POLL_MS = 2000;
const AUDIT_PAGE = 20;

const ACTIONS: Record<AuditAction, string> = {
  [AuditAction.ComplianceExportRequested]: 'asked for a compliance export',
  [AuditAction.ComplianceExportDownloaded]: 'downloaded a compliance export',
  [AuditAction.TranscriptExported]: 'exported a room transcript',
  [AuditAction.RetentionPolicyChanged]: 'changed the retention policy',
  [AuditAction.RetentionRoomChanged]: 'changed a room\u2019s retention',
  [AuditAction.RetentionRun]: 'ran retention now',
  [AuditAction.LegalHoldAdded]: 'put something on legal hold',
  [AuditAction.LegalHoldLifted]: 'lifted a legal hold',
};

/**
 * Admin → Records: compliance exports (all or chosen rooms over a range of days, with or without files; the
 * list follows their progress and offers the zip once done) and the audit log.
 */
@Component({
  selector: 'app-compliance-section',
  imports: [LocalTimePipe],
  templateUrl: './compliance-section.html',
  styleUrl: './admin-records-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ComplianceSection {
  private readonly api = inject(RecordsApi);
  private readonly retentionApi = inject(RetentionApi);
  private readonly usersApi = inject(AdminUsersApi);

  protected readonly exports = signal<ComplianceExport[]>([]);
  protected readonly audit = signal<AuditEntry[]>([]);
  protected readonly auditMore = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly from = signal(dayValue(new Date(Date.now() - 29 * 86_400_000)));
  protected readonly to = signal(dayValue(new Date()));
  protected readonly includeFiles = signal(true);
  protected readonly roomQuery = signal('');
  protected readonly roomChoices = signal<{ id: string; name: string }[]>([]);
  protected readonly rooms = signal<{ id: string; name: string }[]>([]);
  protected readonly peopleQuery = signal('');
  protected readonly peopleChoices = signal<{ id: string; name: string }[]>([]);
  protected readonly people = signal<{ id: string; name: string }[]>([]);
  protected readonly today = dayValue(new Date());
  protected readonly running = computed(() => this.exports().some((e) => e.status === ComplianceExportStatus.Queued || e.status === ComplianceExportStatus.Running));

  constructor() {
    void this.refresh();
    void this.loadAudit(false);
    const timer = setInterval(() => {
      if (this.running()) void this.refresh();
    }, POLL_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  /** The last day an export covers (its end is the start of the day after). */
  protected lastDay(e: ComplianceExport): string {
    return new Date(Date.parse(e.to) - 1).toISOString();
  }

  protected downloadUrl(id: string): string {
    return this.api.downloadUrl(id);
  }

  protected describe(e: ComplianceExport): string {
    const p = e.progress;
    switch (e.status) {
      case ComplianceExportStatus.Queued:
        return 'Waiting to start';
      case ComplianceExportStatus.Running:
        return `Writing: ${p.roomsDone} of ${counted(p.rooms, 'room', 'rooms')}, ${counted(p.messages, 'message', 'messages')}, ${counted(p.files, 'file', 'files')}`;
      case ComplianceExportStatus.Done:
        return `${counted(p.messages, 'message', 'messages')}, ${counted(p.files, 'file', 'files')} · ${formatFileSize(e.size ?? 0)}`;
      default:
        return e.error ?? 'Failed';
    }
  }

  /** A download starts (the browser saves it): the audit log has a new line once the server sent the zip. */
  protected downloading(): void {
    setTimeout(() => void this.loadAudit(false), 1500);
  }

  protected actionText(entry: AuditEntry): string {
    return ACTIONS[entry.action] ?? entry.action;
  }

  protected async findRooms(q: string): Promise<void> {
    this.roomQuery.set(q);
    if (q.trim().length < 2) return this.roomChoices.set([]);
    const found = await firstValueFrom(this.retentionApi.rooms(q)).catch(() => []);
    const chosen = new Set(this.rooms().map((r) => r.id));
    this.roomChoices.set(found.filter((r) => !chosen.has(r.id)).map((r) => ({ id: r.id, name: r.name })));
  }

  protected addRoom(room: { id: string; name: string }): void {
    this.rooms.update((all) => [...all, room]);
    this.roomQuery.set('');
    this.roomChoices.set([]);
  }

  protected removeRoom(id: string): void {
    this.rooms.update((all) => all.filter((r) => r.id !== id));
  }

  protected async findPeople(q: string): Promise<void> {
    this.peopleQuery.set(q);
    if (q.trim().length < 2) return this.peopleChoices.set([]);
    const page = await firstValueFrom(this.usersApi.list({ q, pageSize: 10 })).catch(() => null);
    const chosen = new Set(this.people().map((p) => p.id));
    this.peopleChoices.set((page?.items ?? []).filter((u) => !chosen.has(u.id)).map((u) => ({ id: u.id, name: `${u.displayName} (@${u.username})` })));
  }

  protected addPerson(person: { id: string; name: string }): void {
    this.people.update((all) => [...all, person]);
    this.peopleQuery.set('');
    this.peopleChoices.set([]);
  }

  protected removePerson(id: string): void {
    this.people.update((all) => all.filter((p) => p.id !== id));
  }

  protected async start(): Promise<void> {
    const from = dayStart(this.from());
    const to = dayStart(this.to(), 1);
    this.error.set(null);
    if (!from || !to || to <= from) return this.error.set('Choose the first and the last day (the last not before the first).');
    this.busy.set(true);
    try {
      const rooms = this.rooms().map((r) => r.id);
      const people = this.people().map((p) => p.id);
      await firstValueFrom(
        this.api.createExport({
          from: from.toISOString(),
          to: to.toISOString(),
          includeFiles: this.includeFiles(),
          ...(rooms.length ? { roomIds: rooms } : {}),
          ...(people.length ? { userIds: people } : {}),
        }),
      );
      this.rooms.set([]);
      this.people.set([]);
      await this.refresh();
      await this.loadAudit(false);
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    } finally {
      this.busy.set(false);
    }
  }

  protected async loadAudit(more: boolean): Promise<void> {
    const before = more ? this.audit().at(-1)?.id : undefined;
    const page = await firstValueFrom(this.api.audit(AUDIT_PAGE, before)).catch(() => null);
    if (!page) return;
    this.audit.update((held) => (more ? [...held, ...page] : page));
    this.auditMore.set(page.length === AUDIT_PAGE);
  }

  private async refresh(): Promise<void> {
    const list = await firstValueFrom(this.api.exports()).catch(() => null);
    if (list) {
      const finished = this.exports().some((e) => e.status !== ComplianceExportStatus.Done && list.find((n) => n.id === e.id)?.status === ComplianceExportStatus.Done);
      this.exports.set(list);
      if (finished) void this.loadAudit(false);
    }
  }
}
