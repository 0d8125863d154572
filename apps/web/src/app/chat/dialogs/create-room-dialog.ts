import { DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, ElementRef, afterNextRender, computed, inject, Injector, signal, viewChild } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { CreateRoomRequest, PublicUser, ROOM_INITIAL_MEMBERS_MAX, ROOM_NAME_MAX_LENGTH, ROOM_TOPIC_MAX_LENGTH, RoomSummary } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { FormErrorState } from '../../core/form-error-state';
import { InvitationsApi } from '../../core/invitations-api';
import { RoomsApi } from '../../core/rooms-api';
import { MessageAccess } from '../../friends/message-access';
import { notBlankValidator } from '../../core/validation';
import { Avatar } from '../../shared/avatar';
import { FieldControl, FormField } from '../../shared/form-field';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { createdSentences } from './membership-sentences';
import { PeopleSearch } from './people-search';

const LABELS = { name: 'Name', topic: 'Topic', kind: 'Who can join', memberIds: 'Members' } as const;
type CreateRoomField = keyof typeof LABELS;

/** A room made with people who could only be invited: what happened, before the room opens. */
interface Created {
  room: RoomSummary;
  lines: string[];
}

/**
 * Creates a private group or a public room, optionally with its first members: people you may message are
 * added, anyone else is invited and joins on accepting (the dialog then says who was invited before the
 * room opens). Closes with the new room.
 */
@Component({
  selector: 'app-create-room-dialog',
  imports: [ReactiveFormsModule, FormField, FieldControl, Avatar, PeopleSearch],
  templateUrl: './create-room-dialog.html',
  styleUrls: ['../../shared/dialog/dialog.css', './create-room-dialog.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CreateRoomDialog {
  private readonly dialogRef = inject<DialogRef<RoomSummary | undefined, CreateRoomDialog>>(DialogRef);
  private readonly rooms = inject(RoomsApi);
  private readonly invitations = inject(InvitationsApi);
  private readonly access = inject(MessageAccess);
  private readonly injector = inject(Injector);

  protected readonly titleId = labelDialog('create-room');
  protected readonly labels = LABELS;
  protected readonly limits = { name: ROOM_NAME_MAX_LENGTH, topic: ROOM_TOPIC_MAX_LENGTH, members: ROOM_INITIAL_MEMBERS_MAX };
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', [Validators.required, notBlankValidator, Validators.maxLength(ROOM_NAME_MAX_LENGTH)]],
    topic: ['', [Validators.maxLength(ROOM_TOPIC_MAX_LENGTH)]],
    kind: ['group' as CreateRoomRequest['kind']],
    memberIds: [[] as string[]],
    encrypted: [false],
  });
  protected readonly errors = new FormErrorState<CreateRoomField>(this.form, LABELS);
  protected readonly members = signal<PublicUser[]>([]);
  protected readonly memberIds = computed(() => this.members().map((m) => m.id));
  protected readonly full = computed(() => this.members().length >= ROOM_INITIAL_MEMBERS_MAX);
  protected readonly busy = signal(false);
  protected readonly created = signal<Created | null>(null);
  private readonly search = viewChild(PeopleSearch);
  private readonly openButton = viewChild<ElementRef<HTMLButtonElement>>('openButton');

  /** Whether they will get an invitation rather than a membership (you may not message them directly). */
  protected willBeInvited(user: PublicUser): boolean {
    return this.access.canMessage(user.id) !== true;
  }

  protected addMember(user: PublicUser): void {
    if (this.full() || this.members().some((m) => m.id === user.id)) return;
    this.members.update((list) => [...list, user]);
    this.form.controls.memberIds.setValue(this.memberIds());
    // Ready for the next name.
    this.search()?.clear();
    this.search()?.focus();
  }

  protected removeMember(user: PublicUser): void {
    this.members.update((list) => list.filter((m) => m.id !== user.id));
    this.form.controls.memberIds.setValue(this.memberIds());
  }

  protected async createRoom(): Promise<void> {
    this.errors.submitted.set(true);
    if (this.form.invalid || this.busy()) return;
    const { name, topic, kind, encrypted } = this.form.getRawValue();
    const request: CreateRoomRequest = { kind, name: name.trim() };
    if (kind === 'group' && encrypted) request.encrypted = true;
    if (topic.trim()) request.topic = topic.trim();
    if (this.members().length) request.memberIds = this.memberIds();
    this.busy.set(true);
    this.errors.reset();
    try {
      const room = await firstValueFrom(this.rooms.create(request));
      if (room.memberCount > this.members().length) {
        this.dialogRef.close(room);
        return;
      }
      await this.explainInvitations(room);
    } catch (err) {
      this.errors.showApiError(err);
    } finally {
      this.busy.set(false);
    }
  }

  /** Closes with the room, once it is made. */
  protected close(): void {
    this.dialogRef.close(this.created()?.room);
  }

  /** Not everyone was added: the server invited the people you may not simply add. Say who, from its list. */
  private async explainInvitations(room: RoomSummary): Promise<void> {
    const invitedCount = this.members().length + 1 - room.memberCount;
    const invitedIds = await firstValueFrom(this.invitations.forRoom(room.id)).then(
      (list) => new Set(list.map((i) => i.invitee.id)),
      () => null,
    );
    const names = (inList: boolean) => this.members().filter((m) => (invitedIds?.has(m.id) ?? false) === inList).map((m) => m.displayName);
    const lines = invitedIds ? createdSentences(names(false), names(true), invitedCount) : createdSentences([], null, invitedCount);
    this.created.set({ room, lines });
    afterNextRender(() => this.openButton()?.nativeElement.focus(), { injector: this.injector });
  }
}
