import { HttpException, HttpStatus } from '@nestjs/common';
import { ErrorCode, FieldError } from '@parley/contracts';

/** An HttpException that carries Parley's error code (and, for validation, per-field details). */
export class ApiException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message, status);
  }
}

export class ValidationFailedException extends ApiException {
  constructor(details: FieldError[]) {
    super(HttpStatus.BAD_REQUEST, ErrorCode.ValidationFailed, details.map((d) => d.message).join('; '), details);
  }
}

export class RateLimitedException extends ApiException {
  constructor(retryAfterSeconds: number, message = 'Too many requests; try again later') {
    super(HttpStatus.TOO_MANY_REQUESTS, ErrorCode.RateLimited, message, undefined, Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}
