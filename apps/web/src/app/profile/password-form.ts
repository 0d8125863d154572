import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { FormErrorState } from '../core/form-error-state';
import { UsersApi } from '../core/users-api';
import { matchingValidator } from '../core/validation';
import { FormField } from '../shared/form-field';
import { PasswordInput } from '../shared/password-input';

const LABELS = { currentPassword: 'Current password', newPassword: 'New password', confirmPassword: 'Confirm new password' } as const;
type PasswordField = keyof typeof LABELS;

@Component({
  selector: 'app-password-form',
  imports: [ReactiveFormsModule, FormField, PasswordInput],
  templateUrl: './password-form.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PasswordForm {
  private readonly users = inject(UsersApi);

  protected readonly form = inject(NonNullableFormBuilder).group(
    {
      currentPassword: ['', [Validators.required, Validators.maxLength(PASSWORD_MAX_LENGTH)]],
      newPassword: ['', [Validators.required, Validators.minLength(PASSWORD_MIN_LENGTH), Validators.maxLength(PASSWORD_MAX_LENGTH)]],
      confirmPassword: ['', [Validators.required]],
    },
    { validators: matchingValidator('newPassword', 'confirmPassword') },
  );
  protected readonly labels = LABELS;
  protected readonly minLength = PASSWORD_MIN_LENGTH;
  protected readonly errors = new FormErrorState<PasswordField>(this.form, LABELS);
  protected readonly busy = signal(false);
  protected readonly changed = signal(false);

  constructor() {
    this.form.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => this.changed.set(false));
  }

  /** The field's own message; the confirmation also says when it does not match the new password. */
  protected errorFor(field: PasswordField): string | null {
    const message = this.errors.forField(field);
    if (message || field !== 'confirmPassword') return message;
    const confirm = this.form.controls.confirmPassword;
    return this.form.hasError('mismatch') && (confirm.touched || this.errors.submitted()) ? 'The new passwords do not match.' : null;
  }

  protected async changePassword(): Promise<void> {
    this.errors.submitted.set(true);
    if (this.form.invalid || this.busy()) return;
    this.busy.set(true);
    this.errors.reset();
    const { currentPassword, newPassword } = this.form.getRawValue();
    try {
      await firstValueFrom(this.users.changePassword({ currentPassword, newPassword }));
      this.form.reset();
      this.errors.submitted.set(false);
      this.changed.set(true);
    } catch (err) {
      this.errors.showApiError(err);
    } finally {
      this.busy.set(false);
    }
  }
}
