import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ApiError, ErrorCode, FieldError } from '@parley/contracts';

export const BEARER_AUTH = 'bearer';
export const COOKIE_AUTH = 'cookie';

export class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'username' }) field!: string;
  @ApiProperty({ example: 'username must be 3 to 32 characters' }) message!: string;
}

export class ApiErrorDto implements ApiError {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'username must be 3 to 32 characters' }) message!: string;
  @ApiProperty({ enum: Object.values(ErrorCode), enumName: 'ErrorCode', example: ErrorCode.ValidationFailed }) code!: ErrorCode;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) details?: FieldErrorDto[];
  @ApiPropertyOptional({ description: 'Seconds to wait before retrying (429 only; also in Retry-After)', example: 60 })
  retryAfter?: number;
}

const descriptions: Record<number, string> = {
  400: 'Invalid input: malformed JSON, wrong types, unknown fields or failed validation',
  401: 'Not signed in, or the session or token is expired or revoked',
  403: 'Signed in but not allowed (or a missing CSRF header on a cookie-authenticated request)',
  404: 'No such resource',
  409: 'Conflicts with existing data (for example a taken username)',
  413: 'Request body too large',
  415: 'The body is not in a form this route reads (see its Content-Type)',
  429: 'Rate limited or locked out; see Retry-After',
};

/** Documents the error responses of an operation, all in the one error shape. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...[...new Set([...statuses, 400, 429])].sort().map((status) =>
      ApiResponse({ status, description: descriptions[status] ?? 'Error', type: ApiErrorDto }),
    ),
  );
}

/** An operation that needs a signed-in user: either auth scheme works. */
export function ApiAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth(BEARER_AUTH), ApiCookieAuth(COOKIE_AUTH), ApiErrors(401, 403));
}
