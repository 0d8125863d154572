import { DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { Recovery } from '../recovery';

/**
 * Shows a recovery key just made, once: the person copies or downloads it and says they saved it. It is kept
 * nowhere in the browser; the profile page can make a new one later (the old one then stops working).
 */
@Component({
  selector: 'app-recovery-key-dialog',
  template: `
    <header class="dialog-header">
      <div class="dialog-heading">
        <h2 class="dialog-title" [id]="titleId">Save your recovery key</h2>
        <p class="dialog-subtitle">It lets a new browser or phone read your earlier encrypted messages.</p>
      </div>
    </header>
    <div class="dialog-body stack">
      <p>
        Your encrypted conversations' keys are backed up to the server, locked with this key. Parley cannot see it and cannot
        give it back to you: keep it somewhere safe, like a password manager.
      </p>
      <p class="recovery-key" aria-label="Recovery key" data-recovery-key>{{ key() }}</p>
      <div class="row">
        <button type="button" class="btn btn-secondary" (click)="copy()">{{ copied() ? 'Copied' : 'Copy' }}</button>
        <button type="button" class="btn btn-secondary" (click)="download()">Download</button>
      </div>
      <label class="saved-choice">
        <input type="checkbox" [checked]="saved()" (change)="saved.set($any($event.target).checked)" />
        <span>I have saved my recovery key</span>
      </label>
    </div>
    <footer class="dialog-footer">
      <button type="button" class="btn btn-primary" [disabled]="!saved()" (click)="done()">Done</button>
    </footer>
  `,
  styleUrls: ['../../shared/dialog/dialog.css', './e2ee-dialogs.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RecoveryKeyDialog {
  private readonly dialogRef = inject<DialogRef<void, RecoveryKeyDialog>>(DialogRef);
  private readonly recovery = inject(Recovery);

  protected readonly titleId = labelDialog('recovery-key');
  protected readonly key = computed(() => this.recovery.recoveryKeyToSave() ?? '');
  protected readonly saved = signal(false);
  protected readonly copied = signal(false);

  protected async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.key());
      this.copied.set(true);
    } catch {
      // No clipboard permission: the key is on screen to select, and Download works.
    }
  }

  protected download(): void {
    const url = URL.createObjectURL(new Blob([`Parley recovery key\n\n${this.key()}\n`], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'parley-recovery-key.txt';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  protected done(): void {
    this.recovery.acknowledge();
    this.dialogRef.close();
  }
}
