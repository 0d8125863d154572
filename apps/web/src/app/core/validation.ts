import { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import { USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH, USERNAME_PATTERN } from '@parley/contracts';

/** The username rule as the API applies it: trimmed and lower-cased first, then the shared pattern. */
export const usernameValidator: ValidatorFn = (control: AbstractControl<string>): ValidationErrors | null => {
  const value = (control.value ?? '').trim().toLowerCase();
  if (value === '') return null;
  if (value.length < USERNAME_MIN_LENGTH || value.length > USERNAME_MAX_LENGTH) {
    return { usernameLength: { min: USERNAME_MIN_LENGTH, max: USERNAME_MAX_LENGTH } };
  }
  return USERNAME_PATTERN.test(value) ? null : { usernamePattern: true };
};

export const USERNAME_HINT = `${USERNAME_MIN_LENGTH}–${USERNAME_MAX_LENGTH} characters: letters, digits, dot, underscore or hyphen.`;

/** A whitespace-only value counts as missing. */
export const notBlankValidator: ValidatorFn = (control: AbstractControl<string>): ValidationErrors | null =>
  typeof control.value === 'string' && control.value.length > 0 && control.value.trim() === '' ? { required: true } : null;

/** For a "confirm password" group: the two named controls must match. */
export function matchingValidator(field: string, confirmField: string): ValidatorFn {
  return (group: AbstractControl): ValidationErrors | null => {
    const confirm = group.get(confirmField);
    if (!confirm || confirm.value === '') return null;
    return group.get(field)?.value === confirm.value ? null : { mismatch: true };
  };
}

/** The first problem with a control, in words, for the field labelled `label`. */
export function validationMessage(label: string, errors: ValidationErrors | null): string | null {
  if (!errors) return null;
  if (errors['required']) return `${label} is required.`;
  if (errors['email']) return 'Enter a valid email address, like name@example.com.';
  if (errors['minlength']) return `${label} must be at least ${errors['minlength'].requiredLength} characters.`;
  if (errors['maxlength']) return `${label} must be at most ${errors['maxlength'].requiredLength} characters.`;
  if (errors['usernameLength']) return `${label} must be ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters.`;
  if (errors['usernamePattern']) return `${label} may contain only letters a–z, digits, dot, underscore and hyphen.`;
  return `${label} is not valid.`;
}

/** A control's message once the user has touched it or tried to submit, else null. */
export function visibleError(control: AbstractControl, label: string, submitted: boolean): string | null {
  if (control.valid || !(control.touched || submitted)) return null;
  return validationMessage(label, control.errors);
}
