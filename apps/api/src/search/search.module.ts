import { Module } from '@nestjs/common';
import { FriendsModule } from '../friends/friends.module';
import { MessagesModule } from '../messages/messages.module';
import { RoomsModule } from '../rooms/rooms.module';
import { UsersModule } from '../users/users.module';
import { SearchController } from './search.controller';
import { SearchIndexer } from './search-indexer';
import { SearchService } from './search.service';

/**
 * Message search (docs/search.md): the keyed index's tables (search_*), the background indexer that keeps
 * them in step with messages, and `GET /api/search`. Messages, rooms, users and blocks are read through
 * their modules' services.
 */
@Module({
  imports: [MessagesModule, RoomsModule, FriendsModule, UsersModule],
  controllers: [SearchController],
  providers: [SearchIndexer, SearchService],
  exports: [SearchIndexer],
})
export class SearchModule {}
