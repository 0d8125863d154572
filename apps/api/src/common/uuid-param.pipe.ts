import { applyDecorators, ParseUUIDPipe } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { errors } from './errors';

/** `@Param('id', uuidParam('id'))`: a malformed or "null" id is a 400 that names the parameter. */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () => errors.validation(name, `${name} must be a UUID`),
  });
}

/** A documented UUID path parameter: `@ApiUuidParam('id', 'The user')`, next to `@Param('id', uuidParam('id'))`. */
export function ApiUuidParam(name: string, description: string): MethodDecorator {
  return applyDecorators(ApiParam({ name, description, format: 'uuid', type: String }));
}

