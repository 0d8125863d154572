import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ENCRYPTED_UPLOAD_NAME, ENCRYPTED_UPLOAD_TYPE, FileInfo, FileLimits, FilePage } from '@parley/contracts';
import type { Request, Response } from 'express';
import { CurrentUserEntity, OptionalAuth, Public } from '../auth/auth.decorators';
import type { AuthedRequest } from '../auth/request-auth';
import { ApiAuth, ApiErrorDto, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { UserEntity } from '../users/user.entity';
import { FileInfoDto, FileLimitsDto, FileListQueryDto, FilePageDto } from './dto/files.dto';
import { FileUploads } from './file-uploads';
import { FilesService } from './files.service';
import { toFileInfo } from './files.mapper';
import { FILE_FIELD, MultipartUploads } from './multipart-upload';
import { sendFileBody, sendThumbnail } from './file-responses';

const NOT_READABLE =
  'Everyone who may not read the file (not a member of its room, removed from it, signed out, or anyone but the uploader before it is attached) gets the same 404 as for a file that does not exist.';

@ApiTags('files')
@Controller()
export class FilesController {
  constructor(
    private readonly files: FilesService,
    private readonly uploads: FileUploads,
    private readonly multipart: MultipartUploads,
  ) {}

  @Get('files/limits')
  @ApiAuth()
  @ApiOperation({ summary: 'Upload limits', description: 'The largest file this server accepts, your storage quota and what your files take now, so a client can refuse early.' })
  @ApiOkResponse({ type: FileLimitsDto })
  limits(@CurrentUserEntity() me: UserEntity): Promise<FileLimits> {
    return this.uploads.limits(me.id);
  }

  @Post('rooms/:roomId/files')
  @ApiAuth()
  @ApiUuidParam('roomId', 'The room the file is for')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    description: `One file in the field \`${FILE_FIELD}\` and nothing else`,
    schema: { type: 'object', required: [FILE_FIELD], properties: { [FILE_FIELD]: { type: 'string', format: 'binary', description: 'The file; its part\u2019s filename is its name' } } },
  })
  @ApiOperation({
    summary: 'Upload a file in one request',
    description:
      `For scripts and integrations (browsers use the resumable tus uploads at \`/api/uploads\`). The same rules: a request longer than FILE_MAX_BYTES is refused (413 \`payload_too_large\`) before its body is read, and one over your quota (413 \`quota_exceeded\`, counted at the request\u2019s length) before the file is stored; the type is sniffed from the bytes and the file scanned before the answer (422 \`file_rejected\`, 503 when the scanner cannot be reached). Answers the file, \`ready\`: attach it with \`attachmentIds\` when sending a message. In an end-to-end encrypted room the file must be ciphertext made on your device: the part named \`${ENCRYPTED_UPLOAD_NAME}\` with the type \`${ENCRYPTED_UPLOAD_TYPE}\` (else 400); it is stored with no name and never inspected or scanned.`,
  })
  @ApiCreatedResponse({ type: FileInfoDto, description: 'Stored and checked: ready to attach' })
  @ApiResponse({ status: 422, description: 'The file was refused once its bytes were checked (malware, unreadable)', type: ApiErrorDto })
  @ApiErrors(404, 409, 413, 415)
  async upload(
    @CurrentUserEntity() me: UserEntity,
    @Param('roomId', uuidParam('roomId')) roomId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FileInfo> {
    const file = await this.multipart.receive(me, roomId, req, res);
    res.status(201);
    return toFileInfo(file);
  }

  @Get('rooms/:roomId/files')
  @ApiAuth()
  @ApiUuidParam('roomId', 'The room')
  @ApiOperation({
    summary: 'Files shared in a room',
    description: 'Files attached to messages, newest first, optionally of one category; page with `before` = the last id of the previous page. Members only (404 otherwise).',
  })
  @ApiOkResponse({ type: FilePageDto })
  @ApiErrors(404)
  list(@CurrentUserEntity() me: UserEntity, @Param('roomId', uuidParam('roomId')) roomId: string, @Query() query: FileListQueryDto): Promise<FilePage> {
    return this.files.list(me, roomId, query);
  }

  @Get('files/:id')
  @Public()
  @OptionalAuth()
  @ApiAuth()
  @ApiUuidParam('id', 'The file')
  @ApiOperation({ summary: 'A file\u2019s details', description: `Its name, size, sniffed type, dimensions, status and message. ${NOT_READABLE}` })
  @ApiOkResponse({ type: FileInfoDto })
  @ApiErrors(404)
  info(@Req() req: AuthedRequest, @Param('id', uuidParam('id')) id: string): Promise<FileInfo> {
    return this.files.info(req.auth?.user, id);
  }

  @Get('files/:id/content')
  @Public()
  @OptionalAuth()
  @ApiAuth()
  @ApiUuidParam('id', 'The file')
  @ApiOperation({
    summary: 'A file\u2019s bytes',
    description:
      `Served with its sniffed type, \`X-Content-Type-Options: nosniff\`, \`Content-Security-Policy: sandbox\` and \`Cache-Control: private, no-cache\` (with an ETag). Images (not SVG), video, audio, PDF and plain text are served inline; everything else (HTML, SVG, XML, scripts, unknown types) only as \`Content-Disposition: attachment\`, as is any file with \`?download=1\`. Supports \`Range\` (206, 416). ${NOT_READABLE}`,
  })
  @ApiOkResponse({ description: 'The bytes', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } })
  @ApiResponse({ status: 206, description: 'The requested range of the bytes' })
  @ApiResponse({ status: 416, description: 'The range lies outside the file', type: ApiErrorDto })
  @ApiErrors(404)
  async content(
    @Req() req: AuthedRequest,
    @Param('id', uuidParam('id')) id: string,
    @Query('download') download: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const { file, open } = await this.files.content(req.auth?.user, id);
    await sendFileBody(req, res, file, open, download === '1' || download === 'true');
  }

  @Get('files/:id/thumbnail')
  @Public()
  @OptionalAuth()
  @ApiAuth()
  @ApiUuidParam('id', 'The file')
  @ApiOperation({ summary: 'A file\u2019s thumbnail', description: `A WebP preview of an image (within 480×480, metadata removed); 404 when the file has none. ${NOT_READABLE}` })
  @ApiOkResponse({ description: 'The thumbnail', content: { 'image/webp': { schema: { type: 'string', format: 'binary' } } } })
  @ApiErrors(404)
  async thumbnail(@Req() req: AuthedRequest, @Param('id', uuidParam('id')) id: string, @Res() res: Response): Promise<void> {
    const { file, body } = await this.files.thumbnail(req.auth?.user, id);
    sendThumbnail(req, res, file, body);
  }

  @Delete('files/:id')
  @HttpCode(204)
  @ApiAuth()
  @ApiUuidParam('id', 'The file')
  @ApiOperation({
    summary: 'Delete a file',
    description:
      'Deletes the file, its thumbnail and its bytes. Its uploader may (also after attaching it), and for an attached file the room\u2019s owner and admins and any app admin. When a message carried it, the message loses that attachment and members get `message:updated` (a message left with no text and no files is deleted instead: `message:deleted`). Archived rooms are read-only (409).',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404, 409)
  async remove(@CurrentUserEntity() me: UserEntity, @Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.files.remove(me, id);
  }
}
