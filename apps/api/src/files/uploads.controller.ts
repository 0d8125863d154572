import { Controller, Delete, Head, Options, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ENCRYPTED_UPLOAD_NAME, ENCRYPTED_UPLOAD_TYPE, FileStatus, MESSAGE_ATTACHMENTS_MAX } from '@parley/contracts';
import { TUS_RESUMABLE } from '@tus/server';
import type { Response } from 'express';
import { CurrentAuth } from '../auth/auth.decorators';
import type { AuthedRequest, RequestAuth } from '../auth/request-auth';
import { ApiAuth, ApiErrorDto, ApiErrors } from '../common/api-docs';
import { errors } from '../common/errors';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { RoomsService } from '../rooms/rooms.service';
import { fileNotFound } from './file-errors';
import { FileUploads } from './file-uploads';
import { FilesService } from './files.service';
import { TusUploads } from './tus-uploads';

const TUS_HEADER = { name: 'Tus-Resumable', required: true, description: 'The tus protocol version: `1.0.0`' };
const UPLOAD_ID = 'The upload (and file) id, from the Location of the creation answer';

/**
 * Resumable uploads with the tus 1.0 protocol. Routes here (not a raw Express mount) so that the same
 * guards run as for every API route: the per-IP limit, then authentication (session cookie with the CSRF
 * header, or a bearer token). A request about one upload is served only to its uploader while they are a
 * member of its room; everyone else gets the 404 of a missing upload. GET is not served here: a file's bytes
 * come from `GET /api/files/{id}/content`, under its access rules.
 */
@ApiTags('files')
@ApiAuth()
@Controller('uploads')
export class UploadsController {
  constructor(
    private readonly tus: TusUploads,
    private readonly uploads: FileUploads,
    private readonly files: FilesService,
    private readonly rooms: RoomsService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a resumable upload (tus)',
    description:
      `tus 1.0 creation (and creation-with-upload). \`Upload-Length\` is required (at most FILE_MAX_BYTES; see \`GET /api/files/limits\`); \`Upload-Metadata\` carries \`roomId\` (a room you are a member of), \`filename\` and optionally \`filetype\` (a hint only: the type is sniffed from the bytes). Everything is checked before a byte is stored: 413 \`payload_too_large\` over the size cap, 413 \`quota_exceeded\` over your storage quota (uploads in progress count at their announced size), 404 for a room you are not in, 409 for an archived room, 403 across a block in a direct room. Answers 201 with \`Location: /api/uploads/{id}\`; the id is the file id to attach with \`attachmentIds\` once the upload has finished. When the last byte arrives (here or in a PATCH) the file is inspected and scanned: a file refused then is deleted and that request answers 422 \`file_rejected\` (503 \`unavailable\` when the malware scanner cannot be reached). In an end-to-end encrypted room the browser uploads ciphertext: \`filename\` must be \`${ENCRYPTED_UPLOAD_NAME}\` and \`filetype\` absent or \`${ENCRYPTED_UPLOAD_TYPE}\` (else 400); the file is stored with no name, never inspected, thumbnailed or scanned (the server cannot read it), and served as an \`${ENCRYPTED_UPLOAD_TYPE}\` download. The size cap and quota apply as anywhere.`,
  })
  @ApiHeader(TUS_HEADER)
  @ApiHeader({ name: 'Upload-Length', required: true, description: 'The file size in bytes' })
  @ApiHeader({ name: 'Upload-Metadata', required: true, description: 'tus metadata: `roomId <base64>,filename <base64>[,filetype <base64>]`' })
  @ApiConsumes('application/offset+octet-stream')
  @ApiBody({ required: false, description: 'Optionally the first bytes (tus creation-with-upload)', schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ description: 'Created; `Location` names the upload' })
  @ApiResponse({ status: 422, description: 'The file was refused once its bytes were checked (creation-with-upload of the whole file)', type: ApiErrorDto })
  @ApiErrors(404, 409, 413)
  async create(@Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    await this.tus.handle(req, res);
  }

  @Head(':id')
  @ApiUuidParam('id', UPLOAD_ID)
  @ApiOperation({ summary: 'How much of an upload has arrived (tus)', description: 'Answers `Upload-Offset` and `Upload-Length`: resume with a PATCH from that offset.' })
  @ApiHeader(TUS_HEADER)
  @ApiOkResponse({ description: 'The upload\u2019s offset and length, in headers' })
  @ApiErrors(404)
  async offset(@CurrentAuth() auth: RequestAuth, @Param('id', uuidParam('id')) id: string, @Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    const file = await this.ownUpload(auth, id);
    // All its bytes but no verdict (the server stopped while checking it): check it before saying it is complete.
    await this.uploads.finishIfComplete(file);
    const now = await this.uploads.find(id);
    if (now && now.status !== FileStatus.Uploading) {
      // Finished: tus' staging (its record and, encrypted at rest, the plaintext) is gone; the file is complete.
      res.setHeader('Tus-Resumable', TUS_RESUMABLE);
      res.setHeader('Upload-Offset', String(now.size));
      res.setHeader('Upload-Length', String(now.size));
      res.setHeader('Cache-Control', 'no-store');
      res.status(200).end();
      return;
    }
    await this.tus.handle(req, res);
  }

  @Patch(':id')
  @ApiUuidParam('id', UPLOAD_ID)
  @ApiOperation({
    summary: 'Send (more of) an upload\u2019s bytes (tus)',
    description: `Body: bytes from \`Upload-Offset\`, as \`application/offset+octet-stream\`. Answers 204 with the new \`Upload-Offset\`. After the last byte the file is inspected and scanned before the answer: 204, and \`GET /api/files/{id}\` says \`ready\`; or 422 \`file_rejected\` and the file is gone. At most ${MESSAGE_ATTACHMENTS_MAX} ready files go in one message.`,
  })
  @ApiHeader(TUS_HEADER)
  @ApiHeader({ name: 'Upload-Offset', required: true, description: 'Where these bytes start' })
  @ApiConsumes('application/offset+octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiNoContentResponse({ description: 'Stored; `Upload-Offset` says how far' })
  @ApiResponse({ status: 422, description: 'The finished file was refused (malware, unreadable) and deleted', type: ApiErrorDto })
  @ApiErrors(404, 409)
  async append(@CurrentAuth() auth: RequestAuth, @Param('id', uuidParam('id')) id: string, @Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    const file = await this.ownUpload(auth, id);
    // tus clients that see 409 ask for the offset again, and learn that the upload is complete.
    if (file.status !== FileStatus.Uploading) throw errors.conflict('This upload has finished');
    await this.uploads.touch(id);
    await this.tus.handle(req, res);
  }

  @Delete(':id')
  @ApiUuidParam('id', UPLOAD_ID)
  @ApiOperation({
    summary: 'Cancel an upload (tus termination)',
    description: 'Stops the upload and deletes what arrived. For an upload that has finished, deletes the file as `DELETE /api/files/{id}` does.',
  })
  @ApiHeader(TUS_HEADER)
  @ApiNoContentResponse({ description: 'Cancelled and deleted' })
  @ApiErrors(404)
  async terminate(@CurrentAuth() auth: RequestAuth, @Param('id', uuidParam('id')) id: string, @Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    const file = await this.ownUpload(auth, id);
    if (file.status === FileStatus.Uploading) {
      // tus removes the bytes, then the row (TusUploads), then answers 204.
      await this.tus.handle(req, res);
      return;
    }
    await this.files.remove(auth.user, id);
    res.setHeader('Tus-Resumable', TUS_RESUMABLE);
    res.status(204).end();
  }

  @Options()
  @ApiOperation({ summary: 'What this tus server supports', description: 'tus discovery: `Tus-Version`, `Tus-Extension` (creation, creation-with-upload, termination), `Tus-Max-Size`.' })
  @ApiNoContentResponse({ description: 'The server\u2019s tus capabilities, in headers' })
  async discover(@Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    await this.tus.handle(req, res);
  }

  /** The upload when it is the caller's, in a room they are still a member of; else the 404 of a missing one. */
  private async ownUpload(auth: RequestAuth, id: string) {
    const file = await this.uploads.find(id);
    if (!file || file.uploaderId !== auth.user.id) throw fileNotFound();
    if (!(await this.rooms.membership(file.roomId, auth.user.id))) throw fileNotFound();
    return file;
  }
}
