import { CallHandler, ExecutionContext, HttpException, HttpStatus, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { AVATAR_FIELD } from '@parley/contracts';
import type { Observable } from 'rxjs';
import { ApiException } from '../common/api-exceptions';
import { APP_CONFIG, AppConfig } from '../config/config';
import { errors } from '../common/errors';

function sizeInWords(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

function invalid(message: string): ApiException {
  return errors.validation(AVATAR_FIELD, message);
}

/**
 * Receives the one file of an avatar upload into memory with Nest's multer interceptor (limits from the
 * configuration: the size cap, one file, no other parts), and says in words what is wrong with a request that
 * breaks them, in the one error shape.
 */
@Injectable()
export class AvatarUploadInterceptor implements NestInterceptor {
  private readonly multer: NestInterceptor;
  private readonly maxBytes: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.maxBytes = config.avatars.maxBytes;
    const Multer = FileInterceptor(AVATAR_FIELD, {
      // No storage given: multer keeps the file in memory (it is small, and checked before anything is stored).
      limits: { fileSize: this.maxBytes, files: 1, fields: 0, parts: 1, fieldNameSize: 64, headerPairs: 50 },
      // Keep the client's name whole, so a path in it is seen (and refused) rather than cut off silently.
      preservePath: true,
      defParamCharset: 'utf8',
    });
    this.multer = new Multer();
  }

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await this.multer.intercept(ctx, next);
    } catch (err) {
      throw this.explain(err);
    }
  }

  private explain(err: unknown): unknown {
    if (!(err instanceof HttpException)) return err;
    const code = (err.cause as { code?: string } | undefined)?.code;
    switch (code) {
      case 'LIMIT_FILE_SIZE':
        return errors.payloadTooLarge(`The picture must be at most ${sizeInWords(this.maxBytes)}`);
      case 'LIMIT_FILE_COUNT':
      case 'LIMIT_UNEXPECTED_FILE':
        return invalid(`Send exactly one picture, in the form field "${AVATAR_FIELD}"`);
      case 'LIMIT_FIELD_COUNT':
      case 'LIMIT_PART_COUNT':
      case 'LIMIT_FIELD_KEY':
      case 'LIMIT_FIELD_VALUE':
      case 'MISSING_FIELD_NAME':
      case 'INVALID_FIELD_NAME':
        return invalid(`The form must hold only the picture, in the field "${AVATAR_FIELD}"`);
    }
    if (err.getStatus() === HttpStatus.UNSUPPORTED_MEDIA_TYPE) {
      return errors.unsupportedMediaType('Send the picture as multipart/form-data');
    }
    if (err.getStatus() === HttpStatus.BAD_REQUEST) return invalid('The multipart body is malformed or incomplete');
    return err;
  }
}
