import { DIALOG_DATA, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { labelDialog } from './dialog-label';

export interface ConfirmDialogData {
  /** The question, e.g. "Deactivate Ana Lima?" */
  title: string;
  /** What will happen, one paragraph each. */
  details: readonly string[];
  /** The button that does it, e.g. "Deactivate". */
  confirmLabel: string;
  /** Irreversible or disruptive: the button is red. */
  danger?: boolean;
}

/** What the dialog is opened with: the question and the id its details get (the dialog's description). */
export interface ConfirmDialogInput extends ConfirmDialogData {
  detailsId: string;
}

/** Asks before something that cannot be taken back lightly. The safe choice (Cancel) has the focus. */
@Component({
  selector: 'app-confirm-dialog',
  template: `
    <header class="dialog-header">
      <div class="dialog-heading">
        <h2 class="dialog-title" [id]="titleId">{{ data.title }}</h2>
      </div>
    </header>
    <div class="dialog-body details" [id]="data.detailsId">
      @for (paragraph of data.details; track $index) {
        <p>{{ paragraph }}</p>
      }
    </div>
    <footer class="dialog-footer">
      <button type="button" class="btn btn-secondary" cdkFocusInitial (click)="answer(false)">Cancel</button>
      <button type="button" class="btn" [class.btn-danger]="data.danger" [class.btn-primary]="!data.danger" (click)="answer(true)">
        {{ data.confirmLabel }}
      </button>
    </footer>
  `,
  styleUrls: ['./dialog.css', './confirm-dialog.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfirmDialog {
  private readonly dialogRef = inject<DialogRef<boolean, ConfirmDialog>>(DialogRef);

  protected readonly data = inject<ConfirmDialogInput>(DIALOG_DATA);
  protected readonly titleId = labelDialog('confirm');

  protected answer(confirmed: boolean): void {
    this.dialogRef.close(confirmed);
  }
}
