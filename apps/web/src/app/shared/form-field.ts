import { ChangeDetectionStrategy, Component, Directive, booleanAttribute, computed, inject, input } from '@angular/core';

/**
 * One labelled form field: the label, the control (projected), an optional hint and the error message.
 * The ids follow the control's: `<controlId>-hint` and `<controlId>-error`. Mark the projected control with
 * `appFieldControl` (or use `<app-password-input>`, which does so itself) and it gets its id, `aria-invalid`
 * and `aria-describedby` from here.
 *
 * ```html
 * <app-form-field controlId="register-username" [label]="labels.username" [hint]="usernameHint" [error]="errors.forField('username')">
 *   <input appFieldControl class="input" type="text" formControlName="username" />
 * </app-form-field>
 * ```
 */
@Component({
  selector: 'app-form-field',
  template: `
    <label class="field-label" [for]="controlId()">{{ label() }}@if (optional()) {&ngsp;<span class="field-optional">(optional)</span>}</label>
    <ng-content />
    @if (hint(); as text) {
      <p class="field-hint" [id]="hintId()">{{ text }}</p>
    }
    @if (error(); as message) {
      <p class="field-error" [id]="errorId()">{{ message }}</p>
    }
  `,
  host: { class: 'field' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FormField {
  /** The id of the control the label points at; the hint and error ids are derived from it. */
  readonly controlId = input.required<string>();
  readonly label = input.required<string>();
  /** Adds "(optional)" to the label. */
  readonly optional = input(false, { transform: booleanAttribute });
  /** A line of help under the control; none when empty. */
  readonly hint = input<string | null>(null);
  /** What is wrong with the value, or null. */
  readonly error = input<string | null>(null);

  readonly hintId = computed(() => `${this.controlId()}-hint`);
  readonly errorId = computed(() => `${this.controlId()}-error`);
  readonly invalid = computed(() => this.error() !== null);
  /** For the control's aria-describedby: the hint, then the error if there is one; null when neither is shown. */
  readonly describedBy = computed(() => {
    const ids = [this.hint() ? this.hintId() : '', this.error() ? this.errorId() : ''].filter(Boolean);
    return ids.length ? ids.join(' ') : null;
  });
}

/** The control of the enclosing `<app-form-field>`: its id, validity and description come from the field. */
@Directive({
  selector: '[appFieldControl]',
  host: {
    '[id]': 'field.controlId()',
    '[attr.aria-invalid]': 'field.invalid()',
    '[attr.aria-describedby]': 'field.describedBy()',
  },
})
export class FieldControl {
  protected readonly field = inject(FormField);
}
