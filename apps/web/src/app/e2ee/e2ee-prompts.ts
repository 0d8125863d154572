import { Dialog, DialogRef } from '@angular/cdk/dialog';
import { Injectable, effect, inject, untracked } from '@angular/core';
import { RecoveryKeyDialog } from './dialogs/recovery-key-dialog';
import { RestoreDialog } from './dialogs/restore-dialog';
import { VerificationDialog } from './dialogs/verification-dialog';
import { Recovery } from './recovery';
import { Verification } from './verification';

/**
 * Opens encryption's dialogs when they are needed: a recovery key just made (to save), a verification asked
 * by another device or by me; and the restore dialog on request. Started by the signed-in layout.
 */
@Injectable({ providedIn: 'root' })
export class E2eePrompts {
  private readonly dialog = inject(Dialog);
  private readonly recovery = inject(Recovery);
  private readonly verification = inject(Verification);
  private keyDialog: DialogRef<void, RecoveryKeyDialog> | null = null;
  private verificationDialog: DialogRef<void, VerificationDialog> | null = null;

  constructor() {
    effect(() => {
      const key = this.recovery.recoveryKeyToSave();
      untracked(() => {
        if (key && !this.keyDialog) {
          this.keyDialog = this.dialog.open(RecoveryKeyDialog, { disableClose: true, role: 'alertdialog' });
          this.keyDialog.closed.subscribe(() => (this.keyDialog = null));
        } else if (!key) this.keyDialog?.close();
      });
    });
    effect(() => {
      const view = this.verification.view();
      untracked(() => {
        if (view && !this.verificationDialog) {
          this.verificationDialog = this.dialog.open(VerificationDialog, { disableClose: true });
          this.verificationDialog.closed.subscribe(() => (this.verificationDialog = null));
        } else if (!view) this.verificationDialog?.close();
      });
    });
  }

  /** The restore dialog (from the room banner, an undecryptable message or the profile). */
  restore(): void {
    this.dialog.open(RestoreDialog);
  }
}
