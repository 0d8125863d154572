import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal, viewChild } from '@angular/core';
import { PresenceStatus, PublicUser, RoomDetail, RoomKind, RoomMember, RoomRole } from '@parley/contracts';
import { Observable, firstValueFrom } from 'rxjs';
import { formMessage, toApiError } from '../../core/api-error';
import { AuthStore } from '../../core/auth-store';
import { RoomsApi } from '../../core/rooms-api';
import { UserCards } from '../../friends/user-card/user-cards';
import { Avatar } from '../../shared/avatar';
import { PeopleStore } from '../people-store';
import { addedSentence } from './membership-sentences';
import { PeopleSearch } from './people-search';

const ROLE_ORDER: Record<RoomRole, number> = { owner: 0, admin: 1, member: 2 };
const ROLE_LABEL: Record<RoomRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };
const PRESENCE_LABEL: Record<PresenceStatus, string> = { online: 'Online', away: 'Away', offline: 'Offline' };

/** A destructive member action waiting for a second click. */
interface Pending {
  userId: string;
  action: 'remove' | 'transfer';
}

/**
 * The members of a room with their roles and presence, and what the signed-in user may do to them: owners
 * promote, demote, hand over ownership and remove; admins remove plain members and add people.
 */
@Component({
  selector: 'app-room-members-section',
  imports: [Avatar, PeopleSearch],
  templateUrl: './room-members-section.html',
  styleUrls: ['../../shared/dialog/settings-section.css', './room-members-section.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RoomMembersSection {
  private readonly rooms = inject(RoomsApi);
  private readonly people = inject(PeopleStore);
  private readonly auth = inject(AuthStore);
  private readonly userCards = inject(UserCards);

  readonly room = input.required<RoomDetail>();
  readonly members = input.required<readonly RoomMember[]>();
  /** Something changed on the server: reload the room and its members. */
  readonly changed = output<void>();

  protected readonly busy = signal<string | null>(null);
  protected readonly pending = signal<Pending | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly roleLabel = ROLE_LABEL;
  private readonly search = viewChild(PeopleSearch);

  protected readonly meId = computed(() => this.auth.user()?.id ?? '');
  protected readonly isOwner = computed(() => this.room().myRole === RoomRole.Owner);
  /** Room admins (and instance admins in public rooms) manage members; nobody does in a direct room or an archived one. */
  protected readonly canManage = computed(() => {
    const room = this.room();
    if (room.kind === RoomKind.Direct || room.archivedAt) return false;
    return room.myRole !== RoomRole.Member || (room.kind === RoomKind.Public && this.auth.isAdmin());
  });
  protected readonly sorted = computed(() =>
    [...this.members()].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.user.displayName.localeCompare(b.user.displayName)),
  );
  protected readonly memberIds = computed(() => this.members().map((m) => m.user.id));

  /** Their profile card (friend requests, blocking, a direct message). */
  protected openCard(user: PublicUser): void {
    void this.userCards.open(user);
  }

  presence(userId: string): PresenceStatus {
    return this.people.presenceOf(userId);
  }

  presenceLabel(userId: string): string {
    return PRESENCE_LABEL[this.presence(userId)];
  }

  /** Whether I may remove this member (owners anyone but themselves; admins plain members only). */
  protected canRemove(member: RoomMember): boolean {
    if (!this.canManage() || member.user.id === this.meId() || member.role === RoomRole.Owner) return false;
    return this.isOwner() || member.role === RoomRole.Member;
  }

  protected canChangeRole(member: RoomMember): boolean {
    return this.isOwner() && !this.room().archivedAt && member.user.id !== this.meId() && member.role !== RoomRole.Owner;
  }

  protected isPending(member: RoomMember, action: Pending['action']): boolean {
    const p = this.pending();
    return p !== null && p.userId === member.user.id && p.action === action;
  }

  protected ask(member: RoomMember, action: Pending['action']): void {
    this.pending.set({ userId: member.user.id, action });
  }

  protected cancel(): void {
    this.pending.set(null);
  }

  /** Adds them, or invites them when they may not simply be added (and says which it was). */
  protected async addMember(user: PublicUser): Promise<void> {
    const done = await this.run(user.id, this.rooms.addMember(this.room().id, user.id), (result) => addedSentence(user, result));
    if (done) this.search()?.clear();
  }

  protected removeMember(member: RoomMember): void {
    void this.run(member.user.id, this.rooms.removeMember(this.room().id, member.user.id), `${member.user.displayName} was removed.`);
  }

  protected toggleAdmin(member: RoomMember): void {
    const role = member.role === RoomRole.Admin ? 'member' : 'admin';
    const done = role === 'admin' ? `${member.user.displayName} is now an admin.` : `${member.user.displayName} is no longer an admin.`;
    void this.run(member.user.id, this.rooms.setRole(this.room().id, member.user.id, role), done);
  }

  protected transfer(member: RoomMember): void {
    void this.run(member.user.id, this.rooms.transfer(this.room().id, member.user.id), `${member.user.displayName} now owns this room.`);
  }

  /** Runs one member change; true when it worked. */
  private async run<T>(userId: string, request: Observable<T>, done: string | ((result: T) => string)): Promise<boolean> {
    if (this.busy()) return false;
    this.busy.set(userId);
    this.error.set(null);
    this.notice.set(null);
    try {
      const result = await firstValueFrom(request, { defaultValue: undefined as T });
      this.pending.set(null);
      this.notice.set(typeof done === 'string' ? done : done(result));
      this.changed.emit();
      return true;
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
      return false;
    } finally {
      this.busy.set(null);
    }
  }
}
