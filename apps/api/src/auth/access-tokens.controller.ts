import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessToken, CreatedAccessToken, MAX_ACCESS_TOKENS_PER_USER } from '@parley/contracts';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { AccessTokensService } from './access-tokens.service';
import { CurrentAuth } from './auth.decorators';
import { AccessTokenDto, CreateAccessTokenDto, CreatedAccessTokenDto } from './dto/auth.dto';
import type { RequestAuth } from './request-auth';
import { errors } from '../common/errors';

/** Personal access tokens for integrations. Managed only from a signed-in session, so a leaked token cannot mint more. */
@ApiTags('auth')
@ApiAuth()
@Controller('auth/tokens')
export class AccessTokensController {
  constructor(private readonly tokens: AccessTokensService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a personal access token',
    description: 'The token value is in this response only; it is stored hashed. Use it as `Authorization: Bearer <token>`.',
  })
  @ApiCreatedResponse({ type: CreatedAccessTokenDto })
  @ApiErrors(409)
  async create(@CurrentAuth() auth: RequestAuth, @Body() body: CreateAccessTokenDto): Promise<CreatedAccessToken> {
    this.assertSession(auth);
    const created = await this.tokens.create(auth.user.id, body.name);
    if (created === 'too_many') {
      throw errors.conflict(`You already have ${MAX_ACCESS_TOKENS_PER_USER} tokens; revoke some first`);
    }
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'List your personal access tokens', description: 'Names, creation and last-use times; never the token values.' })
  @ApiOkResponse({ type: [AccessTokenDto] })
  list(@CurrentAuth() auth: RequestAuth): Promise<AccessToken[]> {
    this.assertSession(auth);
    return this.tokens.list(auth.user.id);
  }

  @Delete(':id')
  @ApiUuidParam('id', 'The token to revoke')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a personal access token', description: 'The token stops working at once.' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(404)
  async revoke(@CurrentAuth() auth: RequestAuth, @Param('id', uuidParam('id')) id: string): Promise<void> {
    this.assertSession(auth);
    await this.tokens.revoke(auth.user.id, id);
  }

  private assertSession(auth: RequestAuth): void {
    if (!auth.sessionId) {
      throw errors.forbidden('Manage access tokens from a signed-in session, not with an access token');
    }
  }
}
