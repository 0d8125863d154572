import { HttpErrorResponse } from '@angular/common/http';
import { ApiError, ErrorCode } from '@parley/contracts';

/** What a form shows for a failed request: one message for the form, and one per field it knows about. */
export interface FormErrors<F extends string = string> {
  form: string | null;
  fields: Partial<Record<F, string>>;
}

function isApiError(body: unknown): body is ApiError {
  return typeof body === 'object' && body !== null && typeof (body as ApiError).message === 'string' && 'code' in body;
}

/** The API's error body if the failure carries one, else a synthetic one that says what went wrong. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof HttpErrorResponse) {
    if (isApiError(err.error)) return err.error;
    if (err.status === 0) {
      return { statusCode: 0, error: 'Network Error', code: ErrorCode.Unavailable, message: 'Cannot reach the server. Check your connection and try again.' };
    }
    const retryAfter = Number(err.headers.get('Retry-After'));
    return {
      statusCode: err.status,
      error: err.statusText,
      code: err.status === 429 ? ErrorCode.RateLimited : ErrorCode.Internal,
      message: `The server answered ${err.status} ${err.statusText}`.trim(),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : {}),
    };
  }
  return { statusCode: 0, error: 'Error', code: ErrorCode.Internal, message: 'Something went wrong. Please try again.' };
}

function seconds(n: number): string {
  return n === 1 ? '1 second' : `${n} seconds`;
}

/** A sentence for the form as a whole: rate limits and server failures get friendlier wording than the raw message. */
export function formMessage(error: ApiError): string {
  if (error.statusCode === 429) {
    const wait = error.retryAfter && error.retryAfter > 0 ? `in ${seconds(Math.ceil(error.retryAfter))}` : 'in a little while';
    const what = error.code === ErrorCode.AccountLocked ? 'Too many failed sign-in attempts.' : 'Too many attempts.';
    return `${what} Try again ${wait}.`;
  }
  if (error.statusCode >= 500) return 'Something went wrong on the server. Please try again in a moment.';
  return error.message;
}

/** The API names fields by their body keys ("displayName must be ..."); a person reads the label instead. */
function withLabel(message: string, field: string, label: string): string {
  if (!message.startsWith(`${field} `)) return message;
  return `${label}${message.slice(field.length)}`;
}

/**
 * Splits an API failure into per-field messages (for the fields this form has, given as body key -> label)
 * and a form-level message for everything else. A field problem the form cannot show next to an input goes
 * to the form message.
 */
export function describeApiError<F extends string>(err: unknown, labels: Readonly<Record<F, string>>): FormErrors<F> {
  const error = toApiError(err);
  const byField: Partial<Record<F, string>> = {};
  const leftover: string[] = [];
  for (const detail of error.details ?? []) {
    if (Object.prototype.hasOwnProperty.call(labels, detail.field)) {
      const field = detail.field as F;
      const message = withLabel(detail.message, field, labels[field]);
      byField[field] = byField[field] ? `${byField[field]} ${message}` : message;
    } else {
      leftover.push(detail.message);
    }
  }
  const shownByField = Object.keys(byField).length > 0;
  let form: string | null = null;
  if (leftover.length > 0) form = leftover.join(' ');
  else if (!shownByField) form = formMessage(error);
  return { form, fields: byField };
}
