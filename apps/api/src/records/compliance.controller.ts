import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditEntry, ComplianceExport, UserRole } from '@parley/contracts';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { CurrentUserEntity, RequireRole } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { UserEntity } from '../users/user.entity';
import { AuditLog } from './audit-log';
import { ComplianceExports } from './compliance-exports';
import { AuditEntryDto, AuditQueryDto, ComplianceExportDto, CreateComplianceExportDto } from './dto/compliance.dto';

@ApiTags('admin')
@ApiAuth()
@RequireRole(UserRole.Admin)
@Controller('admin')
export class ComplianceController {
  constructor(
    private readonly exports: ComplianceExports,
    private readonly audit: AuditLog,
  ) {}

  @Post('exports')
  @ApiOperation({
    summary: 'Ask for a compliance export',
    description:
      'All rooms (or `roomIds`), everyone\u2019s messages (or `userIds`\u2019), over [from, to). A background job writes a zip: `manifest.json`, `messages.jsonl` (one message per line, by room then seq, with sender, times, edits, deletions and files) and `files/<id>/<name>`. End-to-end encrypted rooms come as the server holds them: ciphertext, no files. Poll `GET /api/admin/exports/{id}` for progress. Recorded in the audit log.',
  })
  @ApiCreatedResponse({ type: ComplianceExportDto })
  @ApiErrors(400)
  create(@CurrentUserEntity() admin: UserEntity, @Body() body: CreateComplianceExportDto): Promise<ComplianceExport> {
    return this.exports.create(admin.id, body);
  }

  @Get('exports')
  @ApiOperation({ summary: 'List compliance exports', description: 'The 50 newest, with their progress.' })
  @ApiOkResponse({ type: [ComplianceExportDto] })
  @ApiErrors(400)
  list(): Promise<ComplianceExport[]> {
    return this.exports.list();
  }

  @Get('exports/:id')
  @ApiUuidParam('id', 'The export')
  @ApiOperation({ summary: 'A compliance export and its progress', description: 'Status `queued`, `running` (with progress), `done` (with the zip\u2019s size) or `failed`.' })
  @ApiOkResponse({ type: ComplianceExportDto })
  @ApiErrors(400, 404)
  get(@Param('id', uuidParam('id')) id: string): Promise<ComplianceExport> {
    return this.exports.get(id);
  }

  @Get('exports/:id/download')
  @ApiUuidParam('id', 'The export')
  @ApiOperation({ summary: 'Download a compliance export', description: 'The zip, once done (409 before). Each download is recorded in the audit log.' })
  @ApiOkResponse({ description: 'The zip', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } })
  @ApiErrors(400, 404, 409)
  async download(@CurrentUserEntity() admin: UserEntity, @Param('id', uuidParam('id')) id: string, @Res() res: Response): Promise<void> {
    const zip = await this.exports.download(admin.id, id);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Length', String(zip.size));
    res.setHeader('Cache-Control', 'private, no-store');
    res.attachment(zip.name);
    try {
      await pipeline(zip.body, res);
    } catch {
      if (!res.destroyed) res.destroy();
    }
  }

  @Get('audit')
  @ApiOperation({ summary: 'Read the audit log', description: 'Exports, downloads, retention and hold changes: who, what, when; newest first.' })
  @ApiOkResponse({ type: [AuditEntryDto] })
  @ApiErrors(400)
  auditLog(@Query() query: AuditQueryDto): Promise<AuditEntry[]> {
    return this.audit.list(query.limit ?? 50, query.before);
  }
}
