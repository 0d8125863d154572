import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FileStorageModule } from '../files/file-storage.module';
import { AvatarController } from './avatar.controller';
import { AvatarService } from './avatar.service';
import { AvatarUploadInterceptor } from './avatar-upload.interceptor';
import { AvatarsSweepTask } from './avatars-sweep-task';
import { UserEntity } from './user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), FileStorageModule],
  controllers: [UsersController, AvatarController],
  providers: [UsersService, AvatarService, AvatarUploadInterceptor, AvatarsSweepTask],
  exports: [UsersService],
})
export class UsersModule {}
