import { DIALOG_DATA, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { PublicUser } from '@parley/contracts';
import { Realtime } from '../../core/realtime';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { PersonDevices } from '../../e2ee/person-devices/person-devices';
import { UserCard } from './user-card';

export interface UserCardDialogData {
  user: PublicUser;
}

/**
 * A profile card in a dialog; it follows changes to the profile while open (a new name or picture), and closes
 * by itself once a conversation with the person is open.
 */
@Component({
  selector: 'app-user-card-dialog',
  imports: [UserCard, PersonDevices],
  template: `
    <button type="button" class="close" aria-label="Close" (click)="close()">
      <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" /></svg>
    </button>
    <app-user-card [user]="user()" [headingId]="titleId" (conversationOpened)="close()" />
    <app-person-devices [userId]="user().id" />
  `,
  styleUrl: './user-card-dialog.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UserCardDialog {
  private readonly dialogRef = inject<DialogRef<void, UserCardDialog>>(DialogRef);

  private readonly data = inject<UserCardDialogData>(DIALOG_DATA);
  protected readonly user = signal<PublicUser>(this.data.user);
  protected readonly titleId = labelDialog('user-card');

  constructor() {
    const stop = inject(Realtime).on('user:updated', ({ user }) => {
      if (user.id === this.user().id) this.user.set(user);
    });
    inject(DestroyRef).onDestroy(stop);
  }

  protected close(): void {
    this.dialogRef.close();
  }
}
