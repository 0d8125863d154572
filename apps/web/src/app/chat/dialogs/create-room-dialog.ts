import { DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, computed, inject, signal, viewChild } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { CreateRoomRequest, PublicUser, ROOM_INITIAL_MEMBERS_MAX, ROOM_NAME_MAX_LENGTH, ROOM_TOPIC_MAX_LENGTH, RoomSummary } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { FormErrorState } from '../../core/form-error-state';
import { RoomsApi } from '../../core/rooms-api';
import { notBlankValidator } from '../../core/validation';
import { Avatar } from '../../shared/avatar';
import { FieldControl, FormField } from '../../shared/form-field';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { PeopleSearch } from './people-search';

const LABELS = { name: 'Name', topic: 'Topic', kind: 'Who can join', memberIds: 'Members' } as const;
type CreateRoomField = keyof typeof LABELS;

/** Creates a private group or a public room, optionally with its first members. Closes with the new room. */
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

  protected readonly titleId = labelDialog('create-room');
  protected readonly labels = LABELS;
  protected readonly limits = { name: ROOM_NAME_MAX_LENGTH, topic: ROOM_TOPIC_MAX_LENGTH, members: ROOM_INITIAL_MEMBERS_MAX };
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', [Validators.required, notBlankValidator, Validators.maxLength(ROOM_NAME_MAX_LENGTH)]],
    topic: ['', [Validators.maxLength(ROOM_TOPIC_MAX_LENGTH)]],
    kind: ['group' as CreateRoomRequest['kind']],
    memberIds: [[] as string[]],
  });
  protected readonly errors = new FormErrorState<CreateRoomField>(this.form, LABELS);
  protected readonly members = signal<PublicUser[]>([]);
  protected readonly memberIds = computed(() => this.members().map((m) => m.id));
  protected readonly full = computed(() => this.members().length >= ROOM_INITIAL_MEMBERS_MAX);
  protected readonly busy = signal(false);
  private readonly search = viewChild(PeopleSearch);

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
    const { name, topic, kind } = this.form.getRawValue();
    const request: CreateRoomRequest = { kind, name: name.trim() };
    if (topic.trim()) request.topic = topic.trim();
    if (this.members().length) request.memberIds = this.memberIds();
    this.busy.set(true);
    this.errors.reset();
    try {
      const room = await firstValueFrom(this.rooms.create(request));
      this.dialogRef.close(room);
    } catch (err) {
      this.errors.showApiError(err);
    } finally {
      this.busy.set(false);
    }
  }

  protected close(): void {
    this.dialogRef.close(undefined);
  }
}
