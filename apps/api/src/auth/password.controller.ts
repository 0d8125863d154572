import { Body, Controller, HttpCode, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-docs';
import { AuthRateLimited, CurrentAuth } from './auth.decorators';
import { AuthService } from './auth.service';
import { ChangePasswordDto } from './dto/auth.dto';
import type { RequestAuth } from './request-auth';

@ApiTags('users')
@ApiAuth()
@Controller('users/me/password')
export class PasswordController {
  constructor(private readonly auth: AuthService) {}

  @Put()
  @HttpCode(204)
  @AuthRateLimited()
  @ApiOperation({
    summary: 'Change your password',
    description: 'Needs the current password. Ends all your other sessions; the one making this request stays signed in.',
  })
  @ApiNoContentResponse({ description: 'Password changed' })
  async change(@CurrentAuth() auth: RequestAuth, @Body() body: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(auth.user, body.currentPassword, body.newPassword, auth.sessionId);
  }
}
