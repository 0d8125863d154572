import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Page, PublicUser } from '@parley/contracts';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { SearchPageQueryDto } from '../common/paging';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { UserEntity } from './user.entity';
import { CurrentUserDto, PublicUserDto, PublicUserPageDto, UpdateProfileDto } from './dto/users.dto';
import { toCurrentUser, toPublicUser } from './users.mapper';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'Your own account', description: 'The signed-in user, with email and role.' })
  @ApiOkResponse({ type: CurrentUserDto })
  me(@CurrentUserEntity() user: UserEntity): CurrentUser {
    return toCurrentUser(user);
  }

  @Patch('me')
  @ApiOperation({
    summary: 'Edit your profile',
    description: 'Change any of display name, status text, username and email. Username and email must stay unique (409).',
  })
  @ApiOkResponse({ type: CurrentUserDto })
  @ApiErrors(409)
  async updateMe(@CurrentUserEntity() user: UserEntity, @Body() body: UpdateProfileDto): Promise<CurrentUser> {
    return toCurrentUser(await this.users.updateProfile(user, body));
  }

  @Get()
  @ApiOperation({
    summary: 'Search the directory',
    description: 'Active users whose username or display name contains `q`, or whose email address is `q` (whole addresses only: profiles keep them private), paginated. `GET /api/people` adds how each stands to you.',
  })
  @ApiOkResponse({ type: PublicUserPageDto })
  async search(@Query() query: SearchPageQueryDto): Promise<Page<PublicUser>> {
    const page = await this.users.search(query.q, query.page, query.pageSize);
    return { ...page, items: page.items.map(toPublicUser) };
  }

  @Get(':id')
  @ApiUuidParam('id', 'The user')
  @ApiOperation({ summary: 'One user', description: 'A user\'s public profile.' })
  @ApiOkResponse({ type: PublicUserDto })
  @ApiErrors(404)
  async get(@Param('id', uuidParam('id')) id: string): Promise<PublicUser> {
    return toPublicUser(await this.users.getById(id));
  }
}
