import { DIALOG_DATA, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, OnInit, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import {
  GENERAL_ROOM_SLUG,
  ROOM_NAME_MAX_LENGTH,
  ROOM_TOPIC_MAX_LENGTH,
  RoomDetail,
  RoomInvitation,
  RoomKind,
  RoomMember,
  RoomRole,
  UpdateRoomRequest,
} from '@parley/contracts';
import { Observable, catchError, firstValueFrom, of } from 'rxjs';
import { formMessage, toApiError } from '../../core/api-error';
import { AuthStore } from '../../core/auth-store';
import { FormErrorState } from '../../core/form-error-state';
import { InvitationsApi } from '../../core/invitations-api';
import { RoomsApi } from '../../core/rooms-api';
import { notBlankValidator } from '../../core/validation';
import { FieldControl, FormField } from '../../shared/form-field';
import { PeopleStore } from '../people-store';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { RoomInvitationsSection } from './room-invitations-section';
import { RoomInvitesSection } from './room-invites-section';
import { TranscriptSection } from '../../records/transcript-section';
import { RoomMembersSection } from './room-members-section';

export interface RoomSettingsData {
  roomId: string;
}

/** What the dialog closes with: 'left' when the user left the room. */
export type RoomSettingsResult = 'left' | undefined;

const LABELS = { name: 'Name', topic: 'Topic' } as const;
type RoomField = keyof typeof LABELS;

/**
 * A room's settings: its name and topic, its members (roles, presence, add, remove, promote, hand over),
 * invite links, archiving, and leaving. What is offered follows the user's role; the server decides anyway.
 */
@Component({
  selector: 'app-room-settings-dialog',
  imports: [ReactiveFormsModule, FormField, FieldControl, RoomMembersSection, RoomInvitationsSection, RoomInvitesSection, TranscriptSection],
  templateUrl: './room-settings-dialog.html',
  styleUrls: ['../../shared/dialog/dialog.css', './room-settings-dialog.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RoomSettingsDialog implements OnInit {
  private readonly dialogRef = inject<DialogRef<RoomSettingsResult, RoomSettingsDialog>>(DialogRef);
  private readonly data = inject<RoomSettingsData>(DIALOG_DATA);
  private readonly rooms = inject(RoomsApi);
  private readonly invitationsApi = inject(InvitationsApi);
  private readonly auth = inject(AuthStore);
  private readonly people = inject(PeopleStore);

  protected readonly titleId = labelDialog('room-settings');
  protected readonly labels = LABELS;
  protected readonly limits = { name: ROOM_NAME_MAX_LENGTH, topic: ROOM_TOPIC_MAX_LENGTH };
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', [Validators.required, notBlankValidator, Validators.maxLength(ROOM_NAME_MAX_LENGTH)]],
    topic: ['', [Validators.maxLength(ROOM_TOPIC_MAX_LENGTH)]],
  });
  protected readonly errors = new FormErrorState<RoomField>(this.form, LABELS);

  protected readonly room = signal<RoomDetail | null>(null);
  protected readonly members = signal<RoomMember[]>([]);
  /** People invited who have not answered yet. */
  protected readonly invitations = signal<RoomInvitation[]>([]);
  protected readonly loadError = signal<string | null>(null);
  protected readonly saving = signal(false);
  protected readonly saved = signal<string | null>(null);
  protected readonly busy = signal<'archive' | 'leave' | null>(null);
  protected readonly confirmLeave = signal(false);
  protected readonly actionError = signal<string | null>(null);

  protected readonly isDirect = computed(() => this.room()?.kind === RoomKind.Direct);
  protected readonly isOwner = computed(() => this.room()?.myRole === RoomRole.Owner);
  protected readonly archived = computed(() => !!this.room()?.archivedAt);
  /** Owners and admins (and instance admins in public rooms) rename rooms and make invites. */
  protected readonly canModerate = computed(() => {
    const room = this.room();
    if (!room || room.kind === RoomKind.Direct) return false;
    return room.myRole !== RoomRole.Member || (room.kind === RoomKind.Public && this.auth.isAdmin());
  });
  protected readonly canEdit = computed(() => this.canModerate() && !this.archived());
  protected readonly canLeave = computed(() => {
    const room = this.room();
    return !!room && room.kind !== RoomKind.Direct && room.slug !== GENERAL_ROOM_SLUG;
  });
  /** An owner with others in the room must hand it over first. */
  protected readonly mustHandOver = computed(() => this.isOwner() && (this.room()?.memberCount ?? 0) > 1);
  protected readonly kindLabel = computed(() => {
    const kind = this.room()?.kind;
    return kind === RoomKind.Public ? 'Public room' : kind === RoomKind.Group ? 'Private group' : 'Direct message';
  });

  ngOnInit(): void {
    void this.load(true);
  }

  protected async load(fillForm = false): Promise<void> {
    try {
      const [room, members, invitations] = await Promise.all([
        firstValueFrom(this.rooms.get(this.data.roomId)),
        firstValueFrom(this.rooms.members(this.data.roomId)),
        // The room and its members matter more: without the invitations the dialog still works.
        firstValueFrom(this.invitationsApi.forRoom(this.data.roomId).pipe(catchError(() => of(this.invitations())))),
      ]);
      this.room.set(room);
      this.members.set(members);
      this.invitations.set(invitations);
      this.loadError.set(null);
      if (fillForm || !this.form.dirty) this.form.reset({ name: room.name, topic: room.topic });
      this.people.rememberUsers(members.map((m) => m.user));
      void this.people.queryPresence(members.map((m) => m.user.id));
    } catch (err) {
      this.loadError.set(formMessage(toApiError(err)));
    }
  }

  protected async saveDetails(): Promise<void> {
    const room = this.room();
    this.errors.submitted.set(true);
    if (!room || this.form.invalid || this.saving()) return;
    const { name, topic } = this.form.getRawValue();
    const changes: UpdateRoomRequest = {};
    if (name.trim() !== room.name) changes.name = name.trim();
    if (topic.trim() !== room.topic) changes.topic = topic.trim();
    if (Object.keys(changes).length === 0) {
      this.saved.set('No changes to save.');
      return;
    }
    this.saving.set(true);
    this.errors.reset();
    this.saved.set(null);
    try {
      await firstValueFrom(this.rooms.update(room.id, changes), { defaultValue: undefined });
      this.form.markAsPristine();
      this.errors.submitted.set(false);
      this.saved.set('Saved.');
      await this.load(true);
    } catch (err) {
      this.errors.showApiError(err);
    } finally {
      this.saving.set(false);
    }
  }

  protected toggleArchive(): void {
    const room = this.room();
    if (!room) return;
    const request = room.archivedAt ? this.rooms.unarchive(room.id) : this.rooms.archive(room.id);
    void this.act('archive', request, () => this.load());
  }

  protected leave(): void {
    const room = this.room();
    if (!room) return;
    void this.act('leave', this.rooms.leave(room.id), () => this.dialogRef.close('left'));
  }

  protected close(): void {
    this.dialogRef.close(undefined);
  }

  private async act(kind: 'archive' | 'leave', request: Observable<unknown>, after: () => unknown): Promise<void> {
    if (this.busy()) return;
    this.busy.set(kind);
    this.actionError.set(null);
    try {
      await firstValueFrom(request, { defaultValue: undefined });
      this.confirmLeave.set(false);
      await after();
    } catch (err) {
      this.actionError.set(formMessage(toApiError(err)));
    } finally {
      this.busy.set(null);
    }
  }
}
