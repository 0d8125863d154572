import { DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { Recovery } from '../recovery';
import { RecoveryKeyError } from '../recovery-key';

/** Enter the recovery key on a new device: it then reads earlier encrypted messages and is trusted as yours. */
@Component({
  selector: 'app-restore-dialog',
  template: `
    <header class="dialog-header">
      <div class="dialog-heading">
        <h2 class="dialog-title" [id]="titleId">Restore your encrypted messages</h2>
        @if (setUpElsewhere()) {
          <p class="dialog-subtitle">
            Another of your browsers set up encryption for your account at the same moment, and its set-up is the one kept: give this
            browser the recovery key that one showed you.
          </p>
        } @else {
          <p class="dialog-subtitle">This browser is new: give it your recovery key to read earlier messages.</p>
        }
      </div>
      <button type="button" class="dialog-close" aria-label="Close" (click)="close()">
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" /></svg>
      </button>
    </header>
    <form class="dialog-body stack" (submit)="$event.preventDefault(); restore()">
      @if (error(); as message) {
        <p class="alert alert-error" role="alert">{{ message }}</p>
      }
      @if (restored() !== null) {
        <p class="alert alert-success" role="status">Restored: {{ restored() }} {{ restored() === 1 ? 'room key' : 'room keys' }}. Earlier messages open now.</p>
      } @else {
        <label class="field">
          <span class="field-label">Recovery key</span>
          <textarea
            class="input recovery-input"
            rows="3"
            autocomplete="off"
            spellcheck="false"
            autocapitalize="off"
            cdkFocusInitial
            [value]="text()"
            (input)="text.set($any($event.target).value)"
          ></textarea>
          <span class="field-hint">About 48 letters and digits in groups of four, as you saved it. Spaces and line breaks do not matter.</span>
        </label>
      }
      <footer class="dialog-footer">
        @if (restored() !== null) {
          <button type="button" class="btn btn-primary" (click)="close()">Done</button>
        } @else {
          <button type="button" class="btn btn-secondary" (click)="close()">Not now</button>
          <button type="submit" class="btn btn-primary" [disabled]="busy() || !text().trim()">{{ busy() ? 'Restoring…' : 'Restore' }}</button>
        }
      </footer>
    </form>
  `,
  styleUrls: ['../../shared/dialog/dialog.css', './e2ee-dialogs.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RestoreDialog {
  private readonly dialogRef = inject<DialogRef<void, RestoreDialog>>(DialogRef);
  private readonly recovery = inject(Recovery);

  protected readonly titleId = labelDialog('restore');
  protected readonly text = signal('');
  protected readonly setUpElsewhere = this.recovery.setUpElsewhere;
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly restored = signal<number | null>(null);

  protected async restore(): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      this.restored.set(await this.recovery.restore(this.text()));
    } catch (err) {
      this.error.set(err instanceof RecoveryKeyError ? err.message : 'The keys could not be restored. Check your connection and try again.');
    } finally {
      this.busy.set(false);
    }
  }

  protected close(): void {
    this.dialogRef.close();
  }
}
