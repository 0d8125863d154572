import { Dialog } from '@angular/cdk/dialog';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { ConfirmDialog, ConfirmDialogData, ConfirmDialogInput } from './confirm-dialog';

let nextId = 0;

/** Asks the user to confirm in a ConfirmDialog; true only when they do (Cancel, Escape and the backdrop say no). */
@Injectable({ providedIn: 'root' })
export class Confirmation {
  private readonly dialog = inject(Dialog);

  async ask(question: ConfirmDialogData): Promise<boolean> {
    const detailsId = `confirm-details-${++nextId}`;
    const ref = this.dialog.open<boolean, ConfirmDialogInput, ConfirmDialog>(ConfirmDialog, {
      data: { ...question, detailsId },
      role: 'alertdialog',
      ariaDescribedBy: detailsId,
    });
    return (await firstValueFrom(ref.closed)) === true;
  }
}
