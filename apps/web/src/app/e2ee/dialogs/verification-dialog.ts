import { DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, computed, inject, signal, viewChild } from '@angular/core';
import { PeopleStore } from '../../chat/people-store';
import { labelDialog } from '../../shared/dialog/dialog-label';
import { readQrBytes } from '../qr/qr-reader';
import { Verification } from '../verification';

/** How often a camera frame is looked at for a code. */
const CAMERA_FRAME_MS = 300;

/**
 * A verification, from request to done: by QR code (one device shows its code, the other scans it with its
 * camera or from a picture, and the first confirms it was scanned) or by emoji (both devices show the same seven
 * emoji when nobody is between them; each person says whether they match). Opened for requests I make and for
 * ones other devices send me.
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
          @case ('choose') {
            @if (v.qr) {
              <figure class="qr-figure">
                <img class="qr-code" [src]="v.qr" alt="QR code to scan with the other device" />
                <figcaption>On the other device, choose <strong>Scan their code</strong> and point it at this code.</figcaption>
              </figure>
            }
            @if (v.canScan) {
              @if (scanning()) {
                <div class="scan-panel" role="group" aria-label="Scan their code">
                  @if (cameraOn()) {
                    <video #camera class="camera" autoplay muted playsinline aria-label="Camera"></video>
                  }
                  <div class="row">
                    @if (!cameraOn()) {
                      <button type="button" class="btn btn-secondary btn-sm" (click)="startCamera()">Use the camera</button>
                    }
                    <label class="btn btn-secondary btn-sm file-button">
                      Choose a picture of the code
                      <input class="visually-hidden" type="file" accept="image/*" (change)="readPicture($event)" />
                    </label>
                  </div>
                  @if (scanError(); as message) {
                    <p class="alert alert-error" role="alert">{{ message }}</p>
                  }
                </div>
              }
            } @else if (!v.qr) {
              <p>Compare emoji to verify.</p>
            }
          }
          @case ('scanned') {
            <p>The other device scanned this device's code. Does it say the code was scanned and the device verified?</p>
          }
          @case ('reciprocated') {
            <p>Code scanned. Confirm on the other device that it was scanned…</p>
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
          @case ('choose') {
            <button type="button" class="btn btn-secondary" (click)="verification.cancel()">Cancel</button>
            @if (v.canScan && !scanning()) {
              <button type="button" class="btn btn-secondary" (click)="scanning.set(true)">Scan their code</button>
            }
            <button type="button" class="btn btn-primary" (click)="verification.compareEmoji()">Compare emoji</button>
          }
          @case ('scanned') {
            <button type="button" class="btn btn-secondary" (click)="verification.mismatch()">No</button>
            <button type="button" class="btn btn-primary" (click)="verification.confirmScanned()">Yes, it was scanned</button>
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

  protected readonly scanning = signal(false);
  protected readonly cameraOn = signal(false);
  protected readonly scanError = signal<string | null>(null);
  private readonly camera = viewChild<ElementRef<HTMLVideoElement>>('camera');
  private stream: MediaStream | null = null;
  private frameTimer: ReturnType<typeof setInterval> | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stopCamera());
  }

  protected close(): void {
    this.stopCamera();
    this.verification.dismiss();
    this.dialogRef.close();
  }

  /** A picture of the other device's code (a photo or a screenshot). */
  protected async readPicture(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.scanError.set(null);
    try {
      const bytes = await readQrBytes(file);
      if (!bytes) return this.scanError.set('That picture has no verification code. Take a picture of the code the other device shows.');
      await this.verification.scanned(bytes);
    } catch (err) {
      this.scanError.set(err instanceof Error ? err.message : 'The picture could not be read.');
    }
  }

  /** The camera (the back one on phones), looked at a few times a second until it sees a code. */
  protected async startCamera(): Promise<void> {
    this.scanError.set(null);
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch {
      this.scanError.set('The camera is not available: allow it in the browser, or choose a picture of the code.');
      return;
    }
    this.cameraOn.set(true);
    const canvas = document.createElement('canvas');
    let busy = false;
    this.frameTimer = setInterval(async () => {
      const video = this.camera()?.nativeElement;
      if (!video || busy) return;
      if (!video.srcObject) video.srcObject = this.stream;
      if (!video.videoWidth) return;
      busy = true;
      try {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        const context = canvas.getContext('2d', { willReadFrequently: true })!;
        context.drawImage(video, 0, 0);
        const bytes = await readQrBytes(context.getImageData(0, 0, canvas.width, canvas.height));
        if (bytes) {
          this.stopCamera();
          await this.verification.scanned(bytes).catch((err: unknown) => this.scanError.set(err instanceof Error ? err.message : 'The code could not be read.'));
        }
      } finally {
        busy = false;
      }
    }, CAMERA_FRAME_MS);
  }

  private stopCamera(): void {
    if (this.frameTimer) clearInterval(this.frameTimer);
    this.frameTimer = null;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.cameraOn.set(false);
  }
}
