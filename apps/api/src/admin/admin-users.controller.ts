import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminUser, Page, UserRole } from '@parley/contracts';
import { RequireRole, CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { SearchPageQueryDto } from '../common/paging';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { AdminUserDto, AdminUserPageDto } from '../users/dto/users.dto';
import { UserEntity } from '../users/user.entity';
import { toAdminUser } from '../users/users.mapper';
import { UsersService } from '../users/users.service';
import { errors } from '../common/errors';

@ApiTags('admin')
@ApiAuth()
@RequireRole(UserRole.Admin)
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List all users', description: 'Every account, active or not, with email, role and last sign-in; `q` matches part of a username, display name or email. Admins only.' })
  @ApiOkResponse({ type: AdminUserPageDto })
  async list(@Query() query: SearchPageQueryDto): Promise<Page<AdminUser>> {
    const page = await this.users.search(query.q, query.page, query.pageSize, { includeInactive: true, emailSubstring: true });
    return { ...page, items: page.items.map(toAdminUser) };
  }

  @Post(':id/deactivate')
  @ApiUuidParam('id', 'The user to deactivate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deactivate a user',
    description:
      'Ends all of the user\'s sessions at once and revokes their personal access tokens (reactivating the account does not bring them back); they cannot sign in. Admins only.',
  })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiErrors(404)
  async deactivate(@CurrentUserEntity() me: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<AdminUser> {
    if (id === me.id) throw errors.badRequest('You cannot deactivate your own account');
    return toAdminUser(await this.users.setActive(id, false));
  }

  @Post(':id/reactivate')
  @ApiUuidParam('id', 'The user to reactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reactivate a user', description: 'The user can sign in again. Their old access tokens stay revoked. Admins only.' })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiErrors(404)
  async reactivate(@Param('id', uuidParam('id')) id: string): Promise<AdminUser> {
    return toAdminUser(await this.users.setActive(id, true));
  }
}
