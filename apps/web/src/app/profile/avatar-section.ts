import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { AVATAR_MAX_BYTES_DEFAULT, AVATAR_SIZE_PX } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { formMessage, toApiError } from '../core/api-error';
import { AuthStore } from '../core/auth-store';
import { UsersApi } from '../core/users-api';
import { Avatar } from '../shared/avatar';
import { AVATAR_ACCEPT, avatarFileProblem, sizeInWords } from './avatar-file';

interface ChosenPicture {
  file: File;
  /** A blob: URL for the preview; revoked once the choice is gone. */
  url: string;
}

/** Your picture: choose a file, see it cropped as others will, upload it, or go back to your initials. */
@Component({
  selector: 'app-avatar-section',
  imports: [Avatar],
  templateUrl: './avatar-section.html',
  styleUrl: './avatar-section.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AvatarSection {
  private readonly auth = inject(AuthStore);
  private readonly users = inject(UsersApi);

  protected readonly user = this.auth.user;
  protected readonly accept = AVATAR_ACCEPT;
  protected readonly maxSize = sizeInWords(AVATAR_MAX_BYTES_DEFAULT);
  protected readonly sizePx = AVATAR_SIZE_PX;
  protected readonly chosen = signal<ChosenPicture | null>(null);
  protected readonly busy = signal<'upload' | 'remove' | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly saved = signal<string | null>(null);
  /** The browser could not draw the chosen file (the server may still take it, or say why not). */
  protected readonly previewFailed = signal(false);
  /** The current picture that could not be loaded (the initials show instead). */
  protected readonly failedSrc = signal<string | null>(null);

  constructor() {
    inject(DestroyRef).onDestroy(() => this.forgetChoice());
  }

  protected chooseFile(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    // Cleared so that choosing the same file again still counts as a change.
    input.value = '';
    if (!file) return;
    this.saved.set(null);
    const problem = avatarFileProblem(file);
    if (problem) {
      this.error.set(problem);
      return;
    }
    this.error.set(null);
    this.forgetChoice();
    this.previewFailed.set(false);
    this.chosen.set({ file, url: URL.createObjectURL(file) });
  }

  protected async uploadPicture(): Promise<void> {
    const chosen = this.chosen();
    if (!chosen || this.busy()) return;
    this.busy.set('upload');
    this.error.set(null);
    this.saved.set(null);
    try {
      const updated = await firstValueFrom(this.users.uploadAvatar(chosen.file, chosen.file.name || 'avatar'));
      this.auth.replaceUser(updated);
      this.forgetChoice();
      this.saved.set('Picture saved.');
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    } finally {
      this.busy.set(null);
    }
  }

  protected async removePicture(): Promise<void> {
    if (this.busy()) return;
    this.busy.set('remove');
    this.error.set(null);
    this.saved.set(null);
    try {
      this.auth.replaceUser(await firstValueFrom(this.users.removeAvatar()));
      this.saved.set('Picture removed: your initials show instead.');
    } catch (err) {
      this.error.set(formMessage(toApiError(err)));
    } finally {
      this.busy.set(null);
    }
  }

  protected discardChoice(): void {
    this.forgetChoice();
    this.error.set(null);
  }

  private forgetChoice(): void {
    const chosen = this.chosen();
    if (chosen) URL.revokeObjectURL(chosen.url);
    this.chosen.set(null);
    this.previewFailed.set(false);
  }
}
