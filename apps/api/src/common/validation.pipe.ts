import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError } from '@parley/contracts';
import { errors } from './errors';
import './validation-metadata-cache';

/**
 * class-validator's errors as per-field details, the first problem per field, for REST and socket payloads
 * alike. A field the DTO does not know is "`field` is not a known field" (class-validator says "property x
 * should not exist").
 */
export function validationDetails(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const constraints = e.constraints ?? {};
    const first = Object.keys(constraints)[0];
    if (first) out.push({ field, message: first === 'whitelistValidation' ? `${field} is not a known field` : constraints[first] });
    if (e.children?.length) out.push(...validationDetails(e.children, field));
  }
  return out;
}

/**
 * Global validation: unknown fields refused, values transformed to the DTO's types, and every failure
 * reported per field in the one error shape. Bodies must be JSON objects.
 */
@Injectable()
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      stopAtFirstError: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (problems) => errors.invalidFields(validationDetails(problems)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw errors.validation('body', 'Request body must be a JSON object (send Content-Type: application/json)');
      }
    }
    if (metadata.type === 'query' && metadata.metatype && this.toValidate(metadata) && value && typeof value === 'object') {
      // Repeated query keys (?q=a&q=b) arrive as arrays; refuse them instead of validating garbage.
      for (const [k, v] of Object.entries(value)) {
        if (Array.isArray(v)) throw errors.validation(k, `${k} must be given once`);
      }
    }
    return super.transform(value, metadata);
  }
}
