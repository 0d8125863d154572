import { DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { AbstractControl } from '@angular/forms';
import { FormErrors, describeApiError } from './api-error';

/**
 * The server's verdict on a form's last submission: a form-level message and per-field messages. A field's
 * message goes away as soon as the user edits that field. Create it in an injection context.
 */
export class FormErrorState<F extends string> {
  private readonly state = signal<FormErrors<F>>({ form: null, fields: {} });
  private readonly destroyRef = inject(DestroyRef);

  /** The message for the form as a whole, if any. */
  readonly form = computed(() => this.state().form);

  constructor(private readonly labels: Readonly<Record<F, string>>) {}

  field(name: F): string | null {
    return this.state().fields[name] ?? null;
  }

  /** Shows what the server said about a failed request. */
  showApiError(err: unknown): void {
    this.state.set(describeApiError(err, this.labels));
  }

  showFormMessage(message: string): void {
    this.state.set({ form: message, fields: {} });
  }

  reset(): void {
    this.state.set({ form: null, fields: {} });
  }

  /** Clears a field's server message whenever that control changes. */
  clearOnEdit(group: { controls: Record<F, AbstractControl> }): void {
    for (const [name, control] of Object.entries(group.controls) as [F, AbstractControl][]) {
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
