import { HttpException, Logger } from '@nestjs/common';
import { SocketError, SocketErrorCode } from '@parley/contracts';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { toErrorBody } from '../common/error-body';
import { isTooDeep, JSON_TOO_DEEP_MESSAGE } from '../common/json-depth';
import { validationDetails } from '../common/validation.pipe';
import { SendRateLimitedException } from '../messages/messages.service';

/** A socket payload that failed validation, answered as an ack error. */
export class SocketPayloadError extends Error {
  constructor(readonly error: SocketError) {
    super(error.message);
  }
}

/** Every socket payload is a JSON object of bounded depth (deeper ones would overflow class-transformer). */
export function assertPayloadObject(payload: unknown): asserts payload is Record<string, unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new SocketPayloadError({ code: SocketErrorCode.ValidationFailed, message: 'The payload must be an object' });
  }
  if (isTooDeep(payload)) throw new SocketPayloadError({ code: SocketErrorCode.ValidationFailed, message: JSON_TOO_DEEP_MESSAGE });
}

/** Validates a socket payload exactly like a REST body: an object, known fields only, every rule. */
export async function validatePayload<T extends object>(cls: new () => T, payload: unknown): Promise<T> {
  assertPayloadObject(payload);
  const instance = plainToInstance(cls, payload);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
  if (errors.length > 0) {
    const details = validationDetails(errors);
    throw new SocketPayloadError({ code: SocketErrorCode.ValidationFailed, message: details.map((d) => d.message).join('; '), details });
  }
  return instance;
}

const byStatus: Record<number, SocketErrorCode> = {
  400: SocketErrorCode.ValidationFailed,
  403: SocketErrorCode.Forbidden,
  404: SocketErrorCode.NotFound,
  409: SocketErrorCode.Conflict,
  429: SocketErrorCode.RateLimited,
  503: SocketErrorCode.Unavailable,
};

const logger = new Logger('Gateway');

/**
 * Any error thrown while handling an event, as the ack's `error`: the same errors, read the same way
 * (toErrorBody), as a REST response. Unknown errors are logged, never leaked.
 */
export function toSocketError(err: unknown): SocketError {
  if (err instanceof SocketPayloadError) return err.error;
  const body = toErrorBody(err);
  if (body.statusCode >= 500 && !(err instanceof HttpException)) {
    logger.error(`Socket event failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return { code: SocketErrorCode.Internal, message: 'Something went wrong on our side; try again' };
  }
  const status = body.statusCode;
  const error: SocketError = { code: byStatus[status] ?? (status >= 500 ? SocketErrorCode.Internal : SocketErrorCode.ValidationFailed), message: body.message };
  if (body.details) error.details = body.details;
  // The send throttle knows the wait to the millisecond; the REST body rounds it up to whole seconds.
  if (err instanceof SendRateLimitedException) error.retryAfterMs = err.retryAfterMs;
  else if (body.retryAfter) error.retryAfterMs = body.retryAfter * 1000;
  return error;
}
