import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { ApiValidationPipe } from '../common/validation.pipe';
import { LoginDto } from './dto/auth.dto';

/**
 * Guards run before pipes, so the login body is validated here first: a malformed body gets the same 400 as
 * anywhere else instead of passport's bare 401.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  private readonly validation = new ApiValidationPipe();

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request>();
    req.body = await this.validation.transform(req.body, { type: 'body', metatype: LoginDto });
    return (await super.canActivate(ctx)) as boolean;
  }
}
