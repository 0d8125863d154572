/** Machine-readable error codes carried by every error response (`code`). */
export const ErrorCode = {
  ValidationFailed: 'validation_failed',
  BadRequest: 'bad_request',
  Unauthenticated: 'unauthenticated',
  InvalidCredentials: 'invalid_credentials',
  AccountDeactivated: 'account_deactivated',
  CsrfFailed: 'csrf_failed',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  Conflict: 'conflict',
  WeakPassword: 'weak_password',
  RegistrationClosed: 'registration_closed',
  PayloadTooLarge: 'payload_too_large',
  /** 413: the upload would take the user over their storage quota (FILE_QUOTA_BYTES). */
  QuotaExceeded: 'quota_exceeded',
  /** 422: an uploaded file was refused after its bytes arrived (malware found, or it could not be read). */
  FileRejected: 'file_rejected',
  RateLimited: 'rate_limited',
  AccountLocked: 'account_locked',
  Internal: 'internal_error',
  Unavailable: 'unavailable',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One problem with one input field. `field` is a dotted path into the request body or query. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * The one shape of every 4xx and 5xx response body.
 * `message` is always a single human-readable sentence (or several joined by "; ").
 */
export interface ApiError {
  statusCode: number;
  /** The HTTP reason phrase, e.g. "Bad Request". */
  error: string;
  message: string;
  code: ErrorCode;
  /** Present on validation errors: what is wrong with each field. */
  details?: FieldError[];
  /** Present on 429: seconds until a retry may succeed (also sent as the Retry-After header). */
  retryAfter?: number;
}
