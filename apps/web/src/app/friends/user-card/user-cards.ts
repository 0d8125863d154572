import { Dialog } from '@angular/cdk/dialog';
import { Injectable, inject } from '@angular/core';
import { PublicUser } from '@parley/contracts';

/** Opens someone's profile card in a dialog (loaded when first needed), from any page: friends, chat, members. */
@Injectable({ providedIn: 'root' })
export class UserCards {
  private readonly dialog = inject(Dialog);

  async open(user: PublicUser): Promise<void> {
    const { UserCardDialog } = await import('./user-card-dialog');
    this.dialog.open(UserCardDialog, { data: { user } });
  }
}
