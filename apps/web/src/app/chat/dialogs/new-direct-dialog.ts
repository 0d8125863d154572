import { DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { PublicUser, RoomSummary } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { formMessage, toApiError } from '../../core/api-error';
import { RoomsApi } from '../../core/rooms-api';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { PeopleSearch } from './people-search';

/** Finds a person and opens the direct conversation with them. Closes with that direct room. */
@Component({
  selector: 'app-new-direct-dialog',
  imports: [PeopleSearch],
  templateUrl: './new-direct-dialog.html',
  styleUrl: '../../shared/dialog/dialog.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NewDirectDialog {
  private readonly dialogRef = inject<DialogRef<RoomSummary | undefined, NewDirectDialog>>(DialogRef);
  private readonly rooms = inject(RoomsApi);

  protected readonly titleId = labelDialog('new-direct');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly encrypted = signal(false);

  protected async openConversation(user: PublicUser): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      this.dialogRef.close(await firstValueFrom(this.rooms.direct(user.id, this.encrypted())));
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    } finally {
      this.busy.set(false);
    }
  }

  protected close(): void {
    this.dialogRef.close(undefined);
  }
}
