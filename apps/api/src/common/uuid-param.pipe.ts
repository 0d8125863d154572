import { ParseUUIDPipe } from '@nestjs/common';
import { ValidationFailedException } from './api-exceptions';

/** `@Param('id', uuidParam('id'))`: a malformed or "null" id is a 400 that names the parameter. */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () => new ValidationFailedException([{ field: name, message: `${name} must be a UUID` }]),
  });
}
