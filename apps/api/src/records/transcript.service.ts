import { Injectable } from '@nestjs/common';
import { AuditAction, Message, TRANSCRIPT_MAX_DAYS, TranscriptFormat, TranscriptHeader, TranscriptWriter, transcriptFileName, transcriptMime } from '@parley/contracts';
import { errors } from '../common/errors';
import { Actor, MessagesService } from '../messages/messages.service';
import { RoomsService } from '../rooms/rooms.service';
import { UsersService } from '../users/users.service';
import { FilesService } from '../files/files.service';
import { AuditLog } from './audit-log';
import { TranscriptQueryDto } from './dto/transcript.dto';

/** A transcript about to be written: what to call the file, its type, and its text a piece at a time. */
export interface Transcript {
  fileName: string;
  mime: string;
  chunks: AsyncGenerator<string>;
  /** The files the written messages carry, filled in as `chunks` is read. */
  files: { id: string; name: string }[];
}

/** A time zone the runtime knows (IANA name), or null. */
function timeZoneOf(name: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/**
 * Transcripts of a room for its members (issue 13, conversation records): the messages sent in a date range,
 * with their senders, edits, deletions, system lines and the files they carried (listed by name and size), in
 * Markdown, plain text, JSON or HTML, written by the contracts' TranscriptWriter (the browser writes an
 * end-to-end encrypted room's with the same code: the server cannot read it).
 */
@Injectable()
export class TranscriptService {
  constructor(
    private readonly messages: MessagesService,
    private readonly rooms: RoomsService,
    private readonly users: UsersService,
    private readonly audit: AuditLog,
    private readonly files: FilesService,
  ) {}

  async transcript(actor: Actor, roomId: string, query: TranscriptQueryDto): Promise<Transcript> {
    const withFiles = query.files === 'true' || query.files === '1';
    const format = query.format ?? TranscriptFormat.Markdown;
    const from = new Date(query.from);
    const to = query.to ? new Date(query.to) : new Date();
    if (to.getTime() <= from.getTime()) throw errors.validation('to', 'to must be later than from');
    if (to.getTime() - from.getTime() > TRANSCRIPT_MAX_DAYS * 86_400_000) throw errors.validation('to', `A transcript covers at most ${TRANSCRIPT_MAX_DAYS} days`);
    const timeZone = timeZoneOf(query.tz ?? 'UTC');
    if (!timeZone) throw errors.validation('tz', 'tz must be an IANA time zone, such as Europe/Berlin');
    const room = await this.rooms.summaryFor(roomId, actor.id);
    if (room.encrypted) {
      throw errors.conflict('This room is end-to-end encrypted: the server cannot read it. Export it from the web app, which writes the transcript in your browser.');
    }
    const me = await this.users.getById(actor.id);
    const header: TranscriptHeader = {
      room: { id: room.id, name: room.name },
      from: from.toISOString(),
      to: to.toISOString(),
      timeZone,
      exportedAt: new Date().toISOString(),
      exportedBy: { id: me.id, name: me.displayName },
    };
    await this.audit.record(actor.id, AuditAction.TranscriptExported, { roomId, format, from: header.from, to: header.to, files: withFiles });
    const pages = this.messages.transcriptPages(actor, roomId, from, to);
    const files: Transcript['files'] = [];
    return { fileName: transcriptFileName(room.name, header.from, header.to, format), mime: transcriptMime(format), chunks: this.write(new TranscriptWriter(format, header), pages, files), files };
  }

  /** A file of the room for its transcript's zip (the caller is a member: the room's files are theirs to read). */
  openFile(fileId: string) {
    return this.files.openForRecords(fileId);
  }

  private async *write(writer: TranscriptWriter, pages: AsyncGenerator<Message[]>, files: Transcript['files']): AsyncGenerator<string> {
    yield writer.start();
    for await (const page of pages) {
      const names = await this.users.displayNames([...new Set(page.map((m) => m.senderId))]);
      let text = '';
      for (const m of page) {
        if (!m.deletedAt) for (const a of m.attachments) files.push({ id: a.id, name: a.name });
        text += writer.message({
          id: m.id,
          seq: m.seq,
          sender: { id: m.senderId, name: names.get(m.senderId) ?? 'Former member' },
          createdAt: m.createdAt,
          editedAt: m.editedAt,
          deleted: m.deletedAt !== null,
          kind: m.kind,
          event: m.event,
          body: m.deletedAt ? '' : m.body,
          attachments: m.attachments.map((a) => ({ id: a.id, name: a.name, size: a.size, mime: a.mime })),
          replyToId: m.replyToId,
        });
      }
      yield text;
    }
    yield writer.end();
  }
}
