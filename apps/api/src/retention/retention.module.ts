import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagesModule } from '../messages/messages.module';
import { RecordsModule } from '../records/records.module';
import { RoomsModule } from '../rooms/rooms.module';
import { UsersModule } from '../users/users.module';
import { RetentionController } from './retention.controller';
import { LegalHoldEntity, RetentionPolicyEntity } from './retention.entities';
import { RetentionService } from './retention.service';

/** Retention policies and legal holds (docs/records.md); messages are removed through the messages module. */
@Module({
  imports: [TypeOrmModule.forFeature([RetentionPolicyEntity, LegalHoldEntity]), MessagesModule, RoomsModule, UsersModule, RecordsModule],
  controllers: [RetentionController],
  providers: [RetentionService],
})
export class RetentionModule {}
