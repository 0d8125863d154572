import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { ApiException } from './api-exceptions';
import { ErrorCode } from '@parley/contracts';
import { toErrorBody } from './error-body';

/** Is this a unique-constraint violation from SQLite or PostgreSQL? (A race the service checks missed.) */
function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const d = err.driverError as { code?: string } | undefined;
  return d?.code === '23505' || d?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(err.message);
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse<Response>();
    const error = isUniqueViolation(exception)
      ? toErrorBody(new ApiException(409, ErrorCode.Conflict, 'That value is already taken'))
      : toErrorBody(exception);
    if (error.statusCode >= 500) {
      this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    }
    if (res.headersSent) return;
    if (error.retryAfter !== undefined) res.setHeader('Retry-After', String(error.retryAfter));
    res.status(error.statusCode).json(error);
  }
}
