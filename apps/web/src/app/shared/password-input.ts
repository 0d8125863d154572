import { ChangeDetectionStrategy, Component, input, signal } from '@angular/core';
import { ReactiveFormsModule, FormControl } from '@angular/forms';

/** A password input with a show/hide button. The label stays outside: it points at `inputId`. */
@Component({
  selector: 'app-password-input',
  imports: [ReactiveFormsModule],
  template: `
    <div class="wrap">
      <input
        class="input"
        [id]="inputId()"
        [type]="visible() ? 'text' : 'password'"
        [formControl]="control()"
        [attr.autocomplete]="autocomplete()"
        [attr.aria-invalid]="invalid()"
        [attr.aria-describedby]="describedBy() || null"
        autocapitalize="off"
        spellcheck="false"
      />
      <button
        type="button"
        class="toggle"
        [attr.aria-pressed]="visible()"
        [attr.aria-controls]="inputId()"
        (click)="toggleVisibility()"
      >
        {{ visible() ? 'Hide' : 'Show' }}<span class="visually-hidden"> password</span>
      </button>
    </div>
  `,
  styles: `
    .wrap {
      position: relative;
    }
    .input {
      padding-right: 4.25rem;
    }
    .toggle {
      position: absolute;
      top: 50%;
      right: 0.4rem;
      transform: translateY(-50%);
      min-height: 30px;
      padding: 0 0.6rem;
      border: 0;
      border-radius: var(--radius-sm);
      background: transparent;
      color: var(--text-muted);
      font: inherit;
      font-size: 0.8125rem;
      font-weight: 600;
      cursor: pointer;
    }
    .toggle:hover {
      background: var(--surface-muted);
      color: var(--text);
    }
    .toggle:focus-visible {
      outline: none;
      box-shadow: var(--focus-ring);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PasswordInput {
  readonly control = input.required<FormControl<string>>();
  readonly inputId = input.required<string>();
  readonly autocomplete = input<'current-password' | 'new-password'>('current-password');
  readonly invalid = input(false);
  readonly describedBy = input<string>('');

  protected readonly visible = signal(false);

  protected toggleVisibility(): void {
    this.visible.update((v) => !v);
  }
}
