import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { ErrorCode, LOGIN_MAX_LENGTH, PASSWORD_MAX_LENGTH } from '@parley/contracts';
import { formMessage, toApiError } from '../core/api-error';
import { AuthStore } from '../core/auth-store';
import { FormErrorState } from '../core/form-error-state';
import { returnUrlQuery, safeReturnUrl } from '../core/return-url';
import { notBlankValidator } from '../core/validation';
import { FieldControl, FormField } from '../shared/form-field';
import { PasswordInput } from '../shared/password-input';
import { AuthCard } from './auth-card';

const LABELS = { login: 'Username or email', password: 'Password' } as const;
type LoginField = keyof typeof LABELS;

/** What a deactivated account is told, on signing in and when it is signed out for it. */
export const DEACTIVATED_MESSAGE = 'This account has been deactivated. Ask an admin of this server to reactivate it.';

/** Explains a refused sign-in in words that say what to do next. */
export function signInFailureMessage(err: unknown): string {
  const error = toApiError(err);
  switch (error.code) {
    case ErrorCode.InvalidCredentials:
      return 'That username/email and password do not match. Check them and try again.';
    case ErrorCode.AccountDeactivated:
      return DEACTIVATED_MESSAGE;
    default:
      return formMessage(error);
  }
}

@Component({
  selector: 'app-login-page',
  imports: [ReactiveFormsModule, RouterLink, AuthCard, FormField, FieldControl, PasswordInput],
  templateUrl: './login-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginPage {
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);

  /** Query parameters (router input binding): where to go afterwards, and why we are here. */
  readonly returnUrl = input<string>();
  protected readonly registrationOpen = this.auth.registrationOpen;
  /** Set when the app sent us here because the session ended (`deactivated`: an admin deactivated the account). */
  readonly expired = input<string>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    login: ['', [Validators.required, notBlankValidator, Validators.maxLength(LOGIN_MAX_LENGTH)]],
    password: ['', [Validators.required, Validators.maxLength(PASSWORD_MAX_LENGTH)]],
  });
  protected readonly labels = LABELS;
  protected readonly errors = new FormErrorState<LoginField>(this.form, LABELS);
  protected readonly busy = signal(false);
  protected readonly sessionEnded = computed(() => this.expired() !== undefined && this.errors.form() === null);
  protected readonly deactivated = computed(() => this.expired() === 'deactivated');
  protected readonly deactivatedMessage = DEACTIVATED_MESSAGE;
  protected readonly registerQuery = computed(() => returnUrlQuery(this.returnUrl()));

  protected async signIn(): Promise<void> {
    this.errors.submitted.set(true);
    if (this.form.invalid || this.busy()) return;
    this.busy.set(true);
    this.errors.reset();
    const { login, password } = this.form.getRawValue();
    try {
      await this.auth.signIn({ login: login.trim(), password });
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (err) {
      this.errors.showFormMessage(signInFailureMessage(err));
    } finally {
      this.busy.set(false);
    }
  }
}
