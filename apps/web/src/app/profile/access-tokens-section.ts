import { ChangeDetectionStrategy, Component, ElementRef, inject, signal, viewChild } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { AccessToken, CreatedAccessToken, TOKEN_NAME_MAX_LENGTH } from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AccessTokensApi } from '../core/access-tokens-api';
import { formMessage, toApiError } from '../core/api-error';
import { FormErrorState } from '../core/form-error-state';
import { notBlankValidator } from '../core/validation';
import { FieldControl, FormField } from '../shared/form-field';
import { LocalTimePipe } from '../shared/local-time-pipe';

const LABELS = { name: 'Token name' } as const;

/** Personal access tokens: create one (its value is shown once), see when each was last used, revoke. */
@Component({
  selector: 'app-access-tokens-section',
  imports: [ReactiveFormsModule, LocalTimePipe, FormField, FieldControl],
  templateUrl: './access-tokens-section.html',
  styleUrl: './access-tokens-section.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AccessTokensSection {
  private readonly api = inject(AccessTokensApi);

  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', [Validators.required, notBlankValidator, Validators.maxLength(TOKEN_NAME_MAX_LENGTH)]],
  });
  protected readonly labels = LABELS;
  protected readonly nameMax = TOKEN_NAME_MAX_LENGTH;
  protected readonly errors = new FormErrorState<keyof typeof LABELS>(this.form, LABELS);
  protected readonly creating = signal(false);

  protected readonly tokens = signal<AccessToken[]>([]);
  protected readonly loading = signal(true);
  protected readonly loadError = signal<string | null>(null);
  /** The token just created: the only moment its value is known. */
  protected readonly created = signal<CreatedAccessToken | null>(null);
  protected readonly copied = signal(false);
  protected readonly confirmingRevoke = signal<string | null>(null);
  protected readonly revoking = signal<string | null>(null);
  protected readonly listError = signal<string | null>(null);

  private readonly tokenValue = viewChild<ElementRef<HTMLInputElement>>('tokenValue');

  constructor() {
    void this.loadTokens();
  }

  protected async loadTokens(): Promise<void> {
    this.loading.set(true);
    this.loadError.set(null);
    try {
      this.tokens.set(await firstValueFrom(this.api.list()));
    } catch (err) {
      this.loadError.set(formMessage(toApiError(err)));
    } finally {
      this.loading.set(false);
    }
  }

  protected async createToken(): Promise<void> {
    this.errors.submitted.set(true);
    if (this.form.invalid || this.creating()) return;
    this.creating.set(true);
    this.errors.reset();
    try {
      const created = await firstValueFrom(this.api.create({ name: this.form.getRawValue().name.trim() }));
      this.created.set(created);
      this.copied.set(false);
      this.tokens.update((list) => [{ id: created.id, name: created.name, createdAt: created.createdAt, lastUsedAt: null }, ...list]);
      this.form.reset();
      this.errors.submitted.set(false);
      setTimeout(() => this.tokenValue()?.nativeElement.select(), 0);
    } catch (err) {
      this.errors.showApiError(err);
    } finally {
      this.creating.set(false);
    }
  }

  protected async copyToken(): Promise<void> {
    const created = this.created();
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      this.copied.set(true);
    } catch {
      // No clipboard access (insecure context or denied): select the text so Ctrl+C / long-press copies it.
      this.tokenValue()?.nativeElement.select();
    }
  }

  protected dismissCreated(): void {
    this.created.set(null);
  }

  protected askToRevoke(id: string): void {
    this.listError.set(null);
    this.confirmingRevoke.set(id);
  }

  protected cancelRevoke(): void {
    this.confirmingRevoke.set(null);
  }

  protected async revokeToken(token: AccessToken): Promise<void> {
    this.revoking.set(token.id);
    this.listError.set(null);
    try {
      await firstValueFrom(this.api.revoke(token.id));
      this.tokens.update((list) => list.filter((t) => t.id !== token.id));
      if (this.created()?.id === token.id) this.created.set(null);
    } catch (err) {
      this.listError.set(`Could not revoke "${token.name}": ${formMessage(toApiError(err))}`);
    } finally {
      this.revoking.set(null);
      this.confirmingRevoke.set(null);
    }
  }
}
