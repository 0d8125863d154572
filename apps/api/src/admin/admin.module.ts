import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { AdminUsersController } from './admin-users.controller';

@Module({
  imports: [UsersModule, AuthModule],
  controllers: [AdminUsersController],
})
export class AdminModule {}
