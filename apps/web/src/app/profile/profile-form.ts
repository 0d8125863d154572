import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { CurrentUser, DISPLAY_NAME_MAX_LENGTH, EMAIL_MAX_LENGTH, STATUS_TEXT_MAX_LENGTH, UpdateProfileRequest } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthStore } from '../core/auth-store';
import { FormErrorState } from '../core/form-error-state';
import { UsersApi } from '../core/users-api';
import { USERNAME_HINT, notBlankValidator, usernameValidator } from '../core/validation';
import { Avatar } from '../shared/avatar';
import { FieldControl, FormField } from '../shared/form-field';

const LABELS = { displayName: 'Display name', statusText: 'Status', username: 'Username', email: 'Email' } as const;
type ProfileField = keyof typeof LABELS;

/** What changed between the saved profile and the form, trimmed the way the API stores it. */
export function profileChanges(user: CurrentUser, value: Record<ProfileField, string>): UpdateProfileRequest {
  const next: Record<ProfileField, string> = {
    displayName: value.displayName.trim(),
    statusText: value.statusText.trim(),
    username: value.username.trim().toLowerCase(),
    email: value.email.trim(),
  };
  const changes: UpdateProfileRequest = {};
  for (const key of Object.keys(next) as ProfileField[]) {
    const before = key === 'email' ? user.email.toLowerCase() : user[key];
    const after = key === 'email' ? next.email.toLowerCase() : next[key];
    if (after !== before) changes[key] = next[key];
  }
  return changes;
}

@Component({
  selector: 'app-profile-form',
  imports: [ReactiveFormsModule, Avatar, FormField, FieldControl],
  templateUrl: './profile-form.html',
  styleUrl: './profile-form.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProfileForm {
  private readonly auth = inject(AuthStore);
  private readonly users = inject(UsersApi);

  protected readonly user = this.auth.user;
  protected readonly form = inject(NonNullableFormBuilder).group({
    displayName: ['', [Validators.required, notBlankValidator, Validators.maxLength(DISPLAY_NAME_MAX_LENGTH)]],
    statusText: ['', [Validators.maxLength(STATUS_TEXT_MAX_LENGTH)]],
    username: ['', [Validators.required, notBlankValidator, usernameValidator]],
    email: ['', [Validators.required, Validators.email, Validators.maxLength(EMAIL_MAX_LENGTH)]],
  });
  protected readonly labels = LABELS;
  protected readonly limits = { displayName: DISPLAY_NAME_MAX_LENGTH, statusText: STATUS_TEXT_MAX_LENGTH };
  protected readonly usernameHint = USERNAME_HINT;
  protected readonly errors = new FormErrorState<ProfileField>(this.form, LABELS);
  protected readonly busy = signal(false);
  protected readonly saved = signal<string | null>(null);

  constructor() {
    const user = this.auth.user();
    if (user) this.fillFrom(user);
    this.form.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => this.saved.set(null));
  }

  protected async saveProfile(): Promise<void> {
    const user = this.auth.user();
    this.errors.submitted.set(true);
    if (!user || this.form.invalid || this.busy()) return;
    const changes = profileChanges(user, this.form.getRawValue());
    if (Object.keys(changes).length === 0) {
      this.saved.set('No changes to save.');
      return;
    }
    this.busy.set(true);
    this.errors.reset();
    try {
      const updated = await firstValueFrom(this.users.updateProfile(changes));
      this.auth.replaceUser(updated);
      this.fillFrom(updated);
      this.errors.submitted.set(false);
      this.saved.set('Profile saved.');
    } catch (err) {
      this.errors.showApiError(err);
    } finally {
      this.busy.set(false);
    }
  }

  protected discardChanges(): void {
    const user = this.auth.user();
    if (user) this.fillFrom(user);
    this.errors.reset();
    this.errors.submitted.set(false);
  }

  private fillFrom(user: CurrentUser): void {
    this.form.reset({ displayName: user.displayName, statusText: user.statusText, username: user.username, email: user.email });
  }
}
