import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SearchPage } from '@parley/contracts';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { UserEntity } from '../users/user.entity';
import { SearchPageDto, SearchQueryDto } from './dto/search.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@ApiAuth()
@Controller()
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get('search')
  @ApiOperation({
    summary: 'Search messages',
    description:
      'Finds messages in the rooms you are a member of now, newest first: `q` is a substring (at least 3 characters, or 2 Chinese, Japanese or Korean ones) of the text, formatting ignored, or of the name of a file the message carries; case and accents are ignored. Deleted messages, system lines and messages from people you blocked are never results. Each result carries the message, its room, the sender\u2019s name and a snippet with the matches marked. Pages with the opaque `nextCursor`. The index is keyed and holds no text (docs/search.md); `indexing` says the newest seconds may be missing.',
  })
  @ApiOkResponse({ type: SearchPageDto })
  @ApiErrors(404)
  find(@CurrentUserEntity() user: UserEntity, @Query() query: SearchQueryDto): Promise<SearchPage> {
    return this.search.search(user.id, query);
  }
}
