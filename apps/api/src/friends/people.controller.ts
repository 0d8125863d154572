import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Page, Person } from '@parley/contracts';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { SearchPageQueryDto } from '../common/paging';
import { UserEntity } from '../users/user.entity';
import { toPublicUser } from '../users/users.mapper';
import { UsersService } from '../users/users.service';
import { PersonPageDto } from './dto/friends.dto';
import { FriendsService } from './friends.service';

@ApiTags('friends')
@ApiAuth()
@Controller('people')
export class PeopleController {
  constructor(
    private readonly users: UsersService,
    private readonly friends: FriendsService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Find people, with how they stand to you',
    description:
      'The directory search of `GET /api/users` (username or display name containing `q`, or a whole email address), each ' +
      'person with your relation to them and whether you may message them (`canMessage`): what a "new message" or "add ' +
      'people" picker needs to offer only what will work.',
  })
  @ApiOkResponse({ type: PersonPageDto })
  @ApiErrors()
  async search(@CurrentUserEntity() me: UserEntity, @Query() query: SearchPageQueryDto): Promise<Page<Person>> {
    const page = await this.users.search(query.q, query.page, query.pageSize);
    const relations = await this.friends.relationsWith(
      me.id,
      page.items.map((u) => u.id),
    );
    return { ...page, items: page.items.map((u) => ({ user: toPublicUser(u), ...relations.get(u.id)! })) };
  }
}
