import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { ReactiveFormsModule, FormControl } from '@angular/forms';
import { FieldControl, FormField } from './form-field';

/**
 * A password input with a show/hide button, for use inside `<app-form-field>`: the field labels it and gives
 * it its id, `aria-invalid` and `aria-describedby`.
 */
@Component({
  selector: 'app-password-input',
  imports: [ReactiveFormsModule, FieldControl],
  template: `
    <div class="wrap">
      <input
        appFieldControl
        class="input"
        [type]="visible() ? 'text' : 'password'"
        [formControl]="control()"
        [attr.autocomplete]="autocomplete()"
        autocapitalize="off"
        spellcheck="false"
      />
      <button
        type="button"
        class="toggle"
        [attr.aria-pressed]="visible()"
        [attr.aria-controls]="field.controlId()"
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
  readonly autocomplete = input<'current-password' | 'new-password'>('current-password');

  protected readonly field = inject(FormField);

  protected readonly visible = signal(false);

  protected toggleVisibility(): void {
    this.visible.update((v) => !v);
  }
}
