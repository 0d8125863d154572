import { Controller, Delete, Get, HttpCode, Param, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SessionInfo } from '@parley/contracts';
import type { Response } from 'express';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { CurrentAuth } from './auth.decorators';
import { clearSessionCookies } from './auth-cookies';
import { SessionInfoDto } from './dto/auth.dto';
import type { RequestAuth } from './request-auth';
import { SessionsService } from './sessions.service';

/** Where am I signed in? Lets a user end one session (a lost phone) without signing out everywhere. */
@ApiTags('auth')
@ApiAuth()
@Controller('auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({ summary: 'List your sessions', description: 'Every live session: when it started and was last used, the browser and address, and which one is this.' })
  @ApiOkResponse({ type: [SessionInfoDto] })
  list(@CurrentAuth() auth: RequestAuth): Promise<SessionInfo[]> {
    return this.sessions.listForUser(auth.user.id, auth.sessionId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiUuidParam('id', 'The session to end')
  @ApiOperation({ summary: 'End one session', description: 'That browser or client is signed out at once. Ending the current session is the same as logging out.' })
  @ApiNoContentResponse({ description: 'Ended' })
  @ApiErrors(404)
  async revoke(@CurrentAuth() auth: RequestAuth, @Param('id', uuidParam('id')) id: string, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.revokeForUser(auth.user.id, id);
    if (id === auth.sessionId) clearSessionCookies(res);
  }
}
