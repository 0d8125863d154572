import { HttpStatus } from '@nestjs/common';
import { ErrorCode, FieldError } from '@parley/contracts';
import { ApiException, RateLimitedException, ValidationFailedException } from './api-exceptions';

/** Per-field details saying the same as the message, for errors about one input field. */
const about = (field: string | undefined, message: string): FieldError[] | undefined => (field ? [{ field, message }] : undefined);

/**
 * The one way to raise an API error: one helper per error code. Each builds an ApiException, which the
 * exception filter turns into the one JSON error shape and the gateway into a socket ack error.
 */
export const errors = {
  /** 400 validation_failed: one input field is wrong. */
  validation: (field: string, message: string) => new ValidationFailedException([{ field, message }]),
  /** 400 validation_failed: several fields are wrong. */
  invalidFields: (details: FieldError[]) => new ValidationFailedException(details),
  /** 400 bad_request: the request cannot be done as asked (not a field's format). */
  badRequest: (message: string) => new ApiException(HttpStatus.BAD_REQUEST, ErrorCode.BadRequest, message),
  /** 415 bad_request: the body is not in a form this route reads. */
  unsupportedMediaType: (message: string) => new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ErrorCode.BadRequest, message),
  /** 401 unauthenticated: no valid session or token. */
  unauthenticated: (message: string) => new ApiException(HttpStatus.UNAUTHORIZED, ErrorCode.Unauthenticated, message),
  /** invalid_credentials: 401 at sign-in; 400 naming the field when a signed-in user gets a password wrong. */
  invalidCredentials: (message: string, field?: string) =>
    new ApiException(field ? HttpStatus.BAD_REQUEST : HttpStatus.UNAUTHORIZED, ErrorCode.InvalidCredentials, message, about(field, message)),
  /** 403 account_deactivated. */
  accountDeactivated: (message: string) => new ApiException(HttpStatus.FORBIDDEN, ErrorCode.AccountDeactivated, message),
  /** 403 csrf_failed: a cookie-authenticated write without the right CSRF header. */
  csrfFailed: (message: string) => new ApiException(HttpStatus.FORBIDDEN, ErrorCode.CsrfFailed, message),
  /** 403 forbidden: allowed to see it, not to do this. */
  forbidden: (message: string) => new ApiException(HttpStatus.FORBIDDEN, ErrorCode.Forbidden, message),
  /** 403 registration_closed; with a field when a different value of it would be let in. */
  registrationClosed: (message: string, field?: { field: string; message: string }) =>
    new ApiException(HttpStatus.FORBIDDEN, ErrorCode.RegistrationClosed, message, field ? [field] : undefined),
  /** 404 not_found: `errors.notFound('Room')` says "Room not found"; `message` when that reads wrong. */
  notFound: (thing: string, message = `${thing} not found`) => new ApiException(HttpStatus.NOT_FOUND, ErrorCode.NotFound, message),
  /** 409 conflict; with a field when that field's value is what conflicts. */
  conflict: (message: string, field?: string) => new ApiException(HttpStatus.CONFLICT, ErrorCode.Conflict, message, about(field, message)),
  /** 400 weak_password: every problem with the password, each as a detail of `field`. */
  weakPassword: (field: string, problems: string[]) =>
    new ApiException(HttpStatus.BAD_REQUEST, ErrorCode.WeakPassword, problems.join('; '), problems.map((message) => ({ field, message }))),
  /** 413 payload_too_large. */
  payloadTooLarge: (message: string) => new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, ErrorCode.PayloadTooLarge, message),
  /** 413 quota_exceeded: the user's files would take more than their storage quota. */
  quotaExceeded: (message: string) => new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, ErrorCode.QuotaExceeded, message),
  /** 422 file_rejected: an uploaded file was refused once its bytes were checked (malware, unreadable). */
  fileRejected: (message: string) => new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, ErrorCode.FileRejected, message),
  /** 416 bad_request: a Range outside the resource. */
  rangeNotSatisfiable: (message: string) => new ApiException(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, ErrorCode.BadRequest, message),
  /** 503 unavailable: a service Parley needs for this (the malware scanner) cannot be reached. */
  unavailable: (message: string) => new ApiException(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.Unavailable, message),
  /** 429 rate_limited; with `retryAfterSeconds` the body's retryAfter and the Retry-After header say when to retry. */
  rateLimited: (message: string, retryAfterSeconds?: number) =>
    retryAfterSeconds === undefined
      ? new ApiException(HttpStatus.TOO_MANY_REQUESTS, ErrorCode.RateLimited, message)
      : new RateLimitedException(retryAfterSeconds, message),
};
