import { DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { PeopleStore } from '../../chat/people-store';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { Verification } from '../verification';

/**
 * A verification by emoji, from request to done: both devices show the same seven emoji when nobody is between
 * them; each person says whether they match. Opened for requests I make and for ones other devices send me.
 */
@Component({
  selector: 'app-verification-dialog',
  template: `
    @if (view(); as v) {
      <header class="dialog-header">
        <div class="dialog-heading">
          <h2 class="dialog-title" [id]="titleId">{{ v.self ? 'Verify your other device' : 'Verify ' + otherName() }}</h2>
          <p class="dialog-subtitle">Device {{ v.otherDeviceId ?? '…' }}</p>
        </div>
      </header>
      <div class="dialog-body stack" aria-live="polite">
        @switch (v.step) {
          @case ('waiting') {
            <p>Waiting for the other device to accept. Open Parley there: it asks to verify.</p>
          }
          @case ('incoming') {
            <p>
              {{ v.self ? 'Another of your devices' : otherName() }} wants to verify this device. Accept only if you started it
              {{ v.self ? 'there' : 'together' }}.
            </p>
          }
          @case ('starting') {
            <p>Exchanging keys…</p>
          }
          @case ('compare') {
            <p>Check that the other device shows these emoji, in this order.</p>
            <ol class="emoji-grid" aria-label="Emoji to compare">
              @for (e of v.emoji; track $index) {
                <li><span class="emoji-symbol" aria-hidden="true">{{ e.symbol }}</span><span class="emoji-name">{{ e.description }}</span></li>
              }
            </ol>
          }
          @case ('confirmed') {
            <p>Waiting for the other device to confirm…</p>
          }
          @case ('done') {
            <p class="alert alert-success" role="status">Verified. Messages from this device no longer carry a warning.</p>
          }
          @case ('cancelled') {
            <p class="alert alert-error" role="alert">{{ v.cancelReason }}</p>
          }
        }
      </div>
      <footer class="dialog-footer">
        @switch (v.step) {
          @case ('incoming') {
            <button type="button" class="btn btn-secondary" (click)="verification.cancel()">Decline</button>
            <button type="button" class="btn btn-primary" cdkFocusInitial (click)="verification.accept()">Accept</button>
          }
          @case ('compare') {
            <button type="button" class="btn btn-secondary" (click)="verification.mismatch()">They don't match</button>
            <button type="button" class="btn btn-primary" (click)="verification.confirm()">They match</button>
          }
          @case ('done') {
            <button type="button" class="btn btn-primary" (click)="close()">Done</button>
          }
          @case ('cancelled') {
            <button type="button" class="btn btn-primary" (click)="close()">Close</button>
          }
          @default {
            <button type="button" class="btn btn-secondary" (click)="verification.cancel()">Cancel</button>
          }
        }
      </footer>
    }
  `,
  styleUrls: ['../../shared/dialog/dialog.css', './e2ee-dialogs.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VerificationDialog {
  private readonly dialogRef = inject<DialogRef<void, VerificationDialog>>(DialogRef);
  private readonly people = inject(PeopleStore);
  protected readonly verification = inject(Verification);

  protected readonly titleId = labelDialog('verification');
  protected readonly view = this.verification.view;
  protected readonly otherName = computed(() => {
    const id = this.view()?.otherUserId;
    return id ? this.people.nameOf(id, 'this person') : 'this person';
  });

  protected close(): void {
    this.verification.dismiss();
    this.dialogRef.close();
  }
}
