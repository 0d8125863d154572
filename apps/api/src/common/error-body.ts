import { HttpException } from '@nestjs/common';
import { ApiError, ErrorCode } from '@parley/contracts';
import { STATUS_CODES } from 'node:http';
import { ApiException } from './api-exceptions';
import { errors } from './errors';
import { JSON_TOO_DEEP_MESSAGE } from './json-depth';
import { isUniqueViolation } from './unique-violation';

const codeByStatus: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  429: ErrorCode.RateLimited,
  503: ErrorCode.Unavailable,
};

function reason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function messageOf(exception: HttpException): string {
  const res = exception.getResponse();
  if (typeof res === 'string') return res;
  const m = (res as { message?: unknown }).message;
  if (Array.isArray(m)) return m.map(String).join('; ');
  if (typeof m === 'string' && m) return m;
  return exception.message || reason(exception.getStatus());
}

/**
 * Turns anything thrown into the one error shape, for REST responses and socket acks alike. A unique-
 * constraint race that a service's own check missed is a 409; unknown errors become a bare 500.
 */
export function toErrorBody(exception: unknown): ApiError {
  if (isUniqueViolation(exception)) return toErrorBody(errors.conflict('That value is already taken'));
  if (exception instanceof ApiException) {
    const status = exception.getStatus();
    const body: ApiError = { statusCode: status, error: reason(status), message: messageOf(exception), code: exception.code };
    if (exception.details) body.details = exception.details;
    if (exception.retryAfterSeconds !== undefined) body.retryAfter = exception.retryAfterSeconds;
    return body;
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return {
      statusCode: status,
      error: reason(status),
      message: messageOf(exception),
      code: codeByStatus[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest),
    };
  }
  return errorFromHttpLikeError(exception) ?? internalError();
}

export function internalError(): ApiError {
  return { statusCode: 500, error: reason(500), message: 'Internal server error', code: ErrorCode.Internal };
}

/** Errors from Express middleware (body-parser) carry `status`/`type` instead of being HttpExceptions. */
function errorFromHttpLikeError(err: unknown): ApiError | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
  const status = e.status ?? e.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  let message: string;
  switch (e.type) {
    case 'entity.parse.failed':
      message = 'Malformed JSON in request body';
      break;
    case 'entity.too.deep':
      message = JSON_TOO_DEEP_MESSAGE;
      break;
    case 'entity.too.large':
      message = 'Request body is too large';
      break;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      message = 'Unsupported request body encoding';
      break;
    default:
      message = reason(status);
  }
  return { statusCode: status, error: reason(status), message, code: codeByStatus[status] ?? ErrorCode.BadRequest };
}

