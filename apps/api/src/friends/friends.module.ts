import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../users/user.entity';
import { UsersModule } from '../users/users.module';
import { PeopleController } from './people.controller';
import { BlocksController } from './blocks.controller';
import { BlocksService } from './blocks.service';
import { FriendPresence } from './friend-presence';
import { FriendRequestEntity } from './friend-request.entity';
import { FriendsController } from './friends.controller';
import { FriendsService } from './friends.service';
import { FriendshipEntity } from './friendship.entity';
import { RelationsService } from './relations.service';
import { UserBlockEntity } from './user-block.entity';

/**
 * Friends and blocks. Other modules import it for RelationsService: are two users friends, did one block the
 * other, may they open or post in a direct room.
 */
@Module({
  imports: [TypeOrmModule.forFeature([FriendRequestEntity, FriendshipEntity, UserBlockEntity, UserEntity]), UsersModule],
  controllers: [FriendsController, BlocksController, PeopleController],
  providers: [RelationsService, FriendsService, BlocksService, FriendPresence],
  exports: [RelationsService],
})
export class FriendsModule {}
