import { CdkDialogContainer, DialogRef } from '@angular/cdk/dialog';
import { inject } from '@angular/core';

let nextId = 0;

/**
 * Names the surrounding cdk dialog by its heading (aria-labelledby on the dialog container), however the
 * dialog was opened. Call in the dialog component's constructor; returns the id to give the heading.
 */
export function labelDialog(prefix: string): string {
  const id = `${prefix}-title-${++nextId}`;
  const container = inject(DialogRef, { optional: true })?.containerInstance;
  if (container instanceof CdkDialogContainer) container._addAriaLabelledBy(id);
  return id;
}
