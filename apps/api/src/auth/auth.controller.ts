import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthSession, CurrentUser, LoginResponse } from '@parley/contracts';
import type { Request, Response } from 'express';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { APP_CONFIG, AppConfig } from '../config/config';
import { CurrentUserDto } from '../users/dto/users.dto';
import { UserEntity } from '../users/user.entity';
import { toCurrentUser } from '../users/users.mapper';
import { AuthRateLimited, CurrentAuth, CurrentUserEntity, OptionalAuth, Public } from './auth.decorators';
import { clearSessionCookies, setSessionCookies } from './auth-cookies';
import { AuthService } from './auth.service';
import { AuthSessionDto, LoginDto, LoginResponseDto, RegisterDto } from './dto/auth.dto';
import { LocalAuthGuard } from './local-auth.guard';
import type { AuthedRequest, RequestAuth } from './request-auth';
import { errors } from '../common/errors';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('register')
  @Public()
  @AuthRateLimited()
  @ApiOperation({
    summary: 'Create an account',
    description:
      'The first account on a server becomes an admin. Subject to the REGISTRATION policy. The password must be at least 10 characters, ' +
      'must not contain the username or email, and must be judged strong by a strength estimator; a refusal says why.',
  })
  @ApiCreatedResponse({ type: CurrentUserDto })
  @ApiErrors(403, 409)
  async register(@Body() body: RegisterDto): Promise<CurrentUser> {
    return toCurrentUser(await this.auth.register(body));
  }

  @Post('login')
  @HttpCode(200)
  @Public()
  @AuthRateLimited()
  @UseGuards(LocalAuthGuard)
  @ApiOperation({
    summary: 'Sign in',
    description:
      'Sign in with a username or email. Answers the user and a session token, and sets the HttpOnly session cookie plus the ' +
      'XSRF-TOKEN cookie, whose value cookie-authenticated writes must echo in the X-XSRF-TOKEN header. After repeated failures ' +
      'the account is locked for a growing time (429 with Retry-After), whatever IP the attempts come from.',
  })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrors(401, 403)
  async login(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<LoginResponse> {
    const user = req.user as UserEntity;
    const issued = await this.auth.startSession(user, { userAgent: req.header('user-agent'), ip: req.ip });
    setSessionCookies(this.config, req, res, issued.token, issued.csrf, issued.expiresAt);
    return { user: toCurrentUser(user), token: issued.token, expiresAt: issued.expiresAt.toISOString() };
  }

  @Post('logout')
  @HttpCode(204)
  @ApiAuth()
  @ApiOperation({ summary: 'Sign out', description: 'Ends the session this request was made with and clears the cookies.' })
  @ApiNoContentResponse({ description: 'Signed out' })
  async logout(@CurrentAuth() auth: RequestAuth, @Res({ passthrough: true }) res: Response): Promise<void> {
    if (!auth.sessionId) {
      throw errors.badRequest('This request used a personal access token, not a session; revoke the token instead');
    }
    await this.auth.endSession(auth.user.id, auth.sessionId);
    clearSessionCookies(res);
  }

  @Post('logout-all')
  @HttpCode(204)
  @ApiAuth()
  @ApiOperation({
    summary: 'Sign out everywhere',
    description: 'Ends every session of the user, on every device. Personal access tokens are not affected; revoke them separately.',
  })
  @ApiNoContentResponse({ description: 'All sessions ended' })
  async logoutAll(@CurrentUserEntity() user: UserEntity, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.endAllSessions(user.id);
    clearSessionCookies(res);
  }

  @Get('session')
  @Public()
  @OptionalAuth()
  @ApiOperation({
    summary: 'Session and sign-up status',
    description:
      'For pages that load before anyone signs in: the signed-in user (or null, never a 401) and whether registration is open. ' +
      'Also refreshes the XSRF-TOKEN cookie of a cookie session.',
  })
  @ApiOkResponse({ type: AuthSessionDto })
  @ApiErrors()
  async session(@Req() req: AuthedRequest): Promise<AuthSession> {
    return { user: req.auth ? toCurrentUser(req.auth.user) : null, registration: await this.auth.registrationStatus() };
  }

  @Get('me')
  @ApiAuth()
  @ApiOperation({ summary: 'Who am I', description: 'The signed-in user. Also refreshes the XSRF-TOKEN cookie if it is missing.' })
  @ApiOkResponse({ type: CurrentUserDto })
  me(@CurrentUserEntity() user: UserEntity): CurrentUser {
    return toCurrentUser(user);
  }
}
