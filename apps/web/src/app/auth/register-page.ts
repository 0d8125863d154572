import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import {
  DISPLAY_NAME_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  RegisterRequest,
} from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthApi } from '../core/auth-api';
import { AuthStore } from '../core/auth-store';
import { FormErrorState } from '../core/form-error-state';
import { returnUrlQuery, safeReturnUrl } from '../core/return-url';
import { USERNAME_HINT, notBlankValidator, usernameValidator } from '../core/validation';
import { FieldControl, FormField } from '../shared/form-field';
import { PasswordInput } from '../shared/password-input';
import { AuthCard } from './auth-card';
import { signInFailureMessage } from './login-page';

const LABELS = { displayName: 'Display name', username: 'Username', email: 'Email', password: 'Password' } as const;
type RegisterField = keyof typeof LABELS;

@Component({
  selector: 'app-register-page',
  imports: [ReactiveFormsModule, RouterLink, AuthCard, FormField, FieldControl, PasswordInput],
  templateUrl: './register-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RegisterPage {
  private readonly api = inject(AuthApi);
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);

  readonly returnUrl = input<string>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    displayName: ['', [Validators.maxLength(DISPLAY_NAME_MAX_LENGTH)]],
    username: ['', [Validators.required, notBlankValidator, usernameValidator]],
    email: ['', [Validators.required, Validators.email, Validators.maxLength(EMAIL_MAX_LENGTH)]],
    password: ['', [Validators.required, Validators.minLength(PASSWORD_MIN_LENGTH), Validators.maxLength(PASSWORD_MAX_LENGTH)]],
  });
  protected readonly labels = LABELS;
  protected readonly usernameHint = USERNAME_HINT;
  protected readonly passwordHint = `At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong, memorable password; don't use your username or email.`;
  protected readonly displayNameMax = DISPLAY_NAME_MAX_LENGTH;
  protected readonly errors = new FormErrorState<RegisterField>(this.form, LABELS);
  protected readonly busy = signal(false);
  protected readonly registrationOpen = this.auth.registrationOpen;
  /** With REGISTRATION=domain: the addresses that may sign up, said up front rather than after a refusal. */
  protected readonly emailDomainsHint = computed(() => {
    const domains = this.auth.registration()?.allowedEmailDomains ?? [];
    return domains.length ? `Use your work address at ${domains.join(' or ')}.` : null;
  });
  protected readonly loginQuery = computed(() => returnUrlQuery(this.returnUrl()));

  protected async createAccount(): Promise<void> {
    this.errors.submitted.set(true);
    if (this.form.invalid || this.busy()) {
      this.focusFirstInvalid();
      return;
    }
    this.busy.set(true);
    this.errors.reset();
    const value = this.form.getRawValue();
    const request: RegisterRequest = {
      username: value.username.trim().toLowerCase(),
      email: value.email.trim(),
      password: value.password,
      ...(value.displayName.trim() ? { displayName: value.displayName.trim() } : {}),
    };
    try {
      await firstValueFrom(this.api.register(request));
    } catch (err) {
      this.errors.showApiError(err);
      this.busy.set(false);
      this.focusFirstInvalid();
      return;
    }
    try {
      await this.auth.signIn({ login: request.username, password: request.password });
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (err) {
      this.errors.showFormMessage(`Your account was created, but signing in failed: ${signInFailureMessage(err)}`);
    } finally {
      this.busy.set(false);
    }
  }

  /** Moves focus to the first field that needs attention, so keyboard and screen reader users land on it. */
  private focusFirstInvalid(): void {
    const first = (Object.keys(LABELS) as RegisterField[]).find((f) => this.errors.forField(f) !== null);
    if (!first) return;
    queueMicrotask(() => document.getElementById(`register-${first}`)?.focus());
  }
}
