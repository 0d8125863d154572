import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FilesModule } from '../files/files.module';
import { MessagesModule } from '../messages/messages.module';
import { RoomsModule } from '../rooms/rooms.module';
import { UsersModule } from '../users/users.module';
import { AuditLog } from './audit-log';
import { ComplianceController } from './compliance.controller';
import { ComplianceExports } from './compliance-exports';
import { AuditEntryEntity, ComplianceExportEntity } from './records.entities';
import { TranscriptController } from './transcript.controller';
import { TranscriptService } from './transcript.service';

/**
 * Conversation records (issue 13): members' transcripts, admins' compliance exports and the audit log (its
 * tables: compliance_exports, audit_log). Messages, rooms, users and files are read through their modules.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ComplianceExportEntity, AuditEntryEntity]), MessagesModule, RoomsModule, UsersModule, FilesModule],
  controllers: [TranscriptController, ComplianceController],
  providers: [TranscriptService, ComplianceExports, AuditLog],
  exports: [AuditLog],
})
export class RecordsModule {}
