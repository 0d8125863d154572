import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TRANSCRIPT_MAX_DAYS } from '@parley/contracts';
import type { Response } from 'express';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { Readable } from 'node:stream';
import { CurrentUserEntity } from '../auth/auth.decorators';
import { ApiAuth, ApiErrors } from '../common/api-docs';
import { ApiUuidParam, uuidParam } from '../common/uuid-param.pipe';
import { UserEntity } from '../users/user.entity';
import { TranscriptQueryDto } from './dto/transcript.dto';
import { Transcript, TranscriptService } from './transcript.service';
import { zipEntryName } from './zip-entry-name';

@ApiTags('records')
@ApiAuth()
@Controller()
export class TranscriptController {
  constructor(private readonly transcripts: TranscriptService) {}

  @Get('rooms/:id/transcript')
  @ApiUuidParam('id', 'The room')
  @ApiOperation({
    summary: 'Export a room\u2019s transcript',
    description: `For any member: the messages sent in [from, to) (at most ${TRANSCRIPT_MAX_DAYS} days), oldest first, with their senders, times in \`tz\`, edits marked, deleted messages as a line that says so, system lines, and the files each message carried listed by name and size. \`format\`: \`md\` (Markdown), \`txt\`, \`json\` (one object with \`messages\`, ISO times) or \`html\` (a standalone page; every text escaped). Streamed as a download (\`Content-Disposition: attachment\`). An end-to-end encrypted room answers 409: the server cannot read it, and the web app writes its transcript in the browser.`,
  })
  @ApiOkResponse({
    description: 'The transcript',
    content: { 'text/markdown': { schema: { type: 'string' } }, 'text/plain': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } }, 'text/html': { schema: { type: 'string' } } },
  })
  @ApiErrors(400, 404, 409)
  async transcript(@CurrentUserEntity() user: UserEntity, @Param('id', uuidParam('id')) roomId: string, @Query() query: TranscriptQueryDto, @Res() res: Response): Promise<void> {
    const transcript = await this.transcripts.transcript({ id: user.id, role: user.role }, roomId, query);
    if (query.files === 'true' || query.files === '1') return this.zip(transcript, res);
    res.setHeader('Content-Type', transcript.mime);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // An HTML transcript is a document of its own: opened, it runs nothing and reaches nothing.
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'");
    res.attachment(transcript.fileName);
    try {
      for await (const chunk of transcript.chunks) {
        if (res.destroyed) return;
        if (!res.write(chunk)) await drained(res);
      }
      res.end();
    } catch {
      // Headers are sent: a failure part-way can only cut the download short, which the client sees.
      res.destroy();
    }
  }

  private async zip(transcript: Transcript, res: Response): Promise<void> {
    try {
      await zipped(transcript, (id) => this.transcripts.openFile(id), res);
    } catch {
      res.destroy();
    }
  }
}

/** Zips the transcript and the files its messages carry, streaming. */
async function zipped(transcript: Transcript, openFile: (id: string) => Promise<{ body: Readable } | null>, res: Response): Promise<void> {
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.attachment(transcript.fileName.replace(/\.[a-z]+$/, '.zip'));
  let failed = false;
  const zip = new Zip((err, chunk) => {
    if (err) failed = true;
    else if (!res.destroyed) res.write(Buffer.from(chunk));
  });
  const push = async (entry: ZipDeflate | ZipPassThrough, data: Uint8Array, final = false) => {
    entry.push(data, final);
    if (res.writableNeedDrain) await drained(res);
  };
  const text = new ZipDeflate(transcript.fileName, { level: 6 });
  zip.add(text);
  for await (const chunk of transcript.chunks) {
    if (res.destroyed || failed) return;
    await push(text, Buffer.from(chunk));
  }
  await push(text, new Uint8Array(0), true);
  for (const f of transcript.files) {
    const opened = await openFile(f.id);
    if (!opened) continue;
    const entry = new ZipPassThrough(`files/${f.id}/${zipEntryName(f.name)}`);
    zip.add(entry);
    for await (const chunk of opened.body) await push(entry, chunk as Buffer);
    await push(entry, new Uint8Array(0), true);
  }
  zip.end();
  res.end();
}

/** Until the response can take more, or the client went away. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
