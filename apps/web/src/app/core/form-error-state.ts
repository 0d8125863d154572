import { DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { AbstractControl } from '@angular/forms';
import { FormErrors, describeApiError } from './api-error';
import { visibleError } from './validation';

/**
 * What a form shows as wrong: the server's verdict on the last submission (a form-level message and per-field
 * messages) and, once the user has touched a field or tried to submit, the client-side validation message.
 * A field's server message goes away as soon as the user edits that field. Create it in an injection context.
 */
export class FormErrorState<F extends string> {
  private readonly state = signal<FormErrors<F>>({ form: null, fields: {} });
  private readonly destroyRef = inject(DestroyRef);

  /** The message for the form as a whole, if any. */
  readonly form = computed(() => this.state().form);
  /** Set when the user tries to submit: from then on every invalid field says so, touched or not. */
  readonly submitted = signal(false);

  constructor(
    private readonly group: { controls: Record<F, AbstractControl> },
    private readonly labels: Readonly<Record<F, string>>,
  ) {
    this.clearOnEdit();
  }

  /** The message to show under a field: the server's, else the control's own once it is due; null if none. */
  forField(name: F): string | null {
    return this.state().fields[name] ?? visibleError(this.group.controls[name], this.labels[name], this.submitted());
  }

  /** Shows what the server said about a failed request. */
  showApiError(err: unknown): void {
    this.state.set(describeApiError(err, this.labels));
  }

  showFormMessage(message: string): void {
    this.state.set({ form: message, fields: {} });
  }

  /** Forgets the server's messages. */
  reset(): void {
    this.state.set({ form: null, fields: {} });
  }

  /** Clears a field's server message whenever that control changes. */
  private clearOnEdit(): void {
    for (const [name, control] of Object.entries(this.group.controls) as [F, AbstractControl][]) {
      control.valueChanges.pipe(takeUntilDestroyed(this.destroyRef)).subscribe(() => this.clearField(name));
    }
  }

  private clearField(name: F): void {
    const current = this.state();
    if (!(name in current.fields)) return;
    const fields = { ...current.fields };
    delete fields[name];
    this.state.set({ form: current.form, fields });
  }
}
