import { Injectable, inject } from '@angular/core';
import {
  EncryptedAttachment,
  Message,
  RoomSummary,
  TranscriptFormat,
  TranscriptHeader,
  TranscriptMessage,
  TranscriptWriter,
  transcriptFileName,
  transcriptMime,
} from '@parley/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthStore } from '../core/auth-store';
import { MessagesApi } from '../core/messages-api';
import { PeopleStore } from '../chat/people-store';
import { DecryptedMessages } from '../e2ee/decrypted-messages';
import { carriedBy } from '../e2ee/sealed-files/sealed-attachment';
import { SealedFiles, downloadName } from '../e2ee/sealed-files/sealed-files';
import { saveBlob } from '../shared/save-file';

/** What to export: a format and a range of instants [from, to), with the time zone to write times in. */
export interface TranscriptChoice {
  format: TranscriptFormat;
  /** A zip of the transcript and the files its messages carry. */
  withFiles: boolean;
  from: Date;
  to: Date;
  timeZone: string;
}

/** History pages read while an encrypted room's transcript is written here. */
const PAGE = 100;

/**
 * Room transcripts, saved as a download. The server writes a plain room's (`GET /api/rooms/:id/transcript`);
 * an end-to-end encrypted room's is written here, from the history decrypted on this device, with the same
 * TranscriptWriter, so the server never sees it. Messages this device cannot decrypt are listed as such.
 */
@Injectable({ providedIn: 'root' })
export class TranscriptExport {
  private readonly messagesApi = inject(MessagesApi);
  private readonly decrypted = inject(DecryptedMessages);
  private readonly people = inject(PeopleStore);
  private readonly auth = inject(AuthStore);
  private readonly sealedFiles = inject(SealedFiles);

  /** Writes the transcript and saves it as a download; throws with a readable reason. */
  async save(room: RoomSummary, choice: TranscriptChoice): Promise<void> {
    const name = transcriptFileName(room.name, choice.from.toISOString(), choice.to.toISOString(), choice.format);
    const blob = room.encrypted ? await this.writeHere(room, choice, name) : await this.fromServer(room, choice);
    saveBlob(blob, choice.withFiles ? name.replace(/\.[a-z]+$/, '.zip') : name);
  }

  private async fromServer(room: RoomSummary, choice: TranscriptChoice): Promise<Blob> {
    const params = new URLSearchParams({ format: choice.format, from: choice.from.toISOString(), to: choice.to.toISOString(), tz: choice.timeZone, files: String(choice.withFiles) });
    const response = await fetch(`/api/rooms/${encodeURIComponent(room.id)}/transcript?${params}`, { credentials: 'same-origin' });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { message?: unknown } | null;
      throw new Error(typeof body?.message === 'string' ? body.message : `The server answered ${response.status}.`);
    }
    return response.blob();
  }

  private async writeHere(room: RoomSummary, choice: TranscriptChoice, name: string): Promise<Blob> {
    const me = this.auth.user();
    const header: TranscriptHeader = {
      room: { id: room.id, name: room.name },
      from: choice.from.toISOString(),
      to: choice.to.toISOString(),
      timeZone: choice.timeZone,
      exportedAt: new Date().toISOString(),
      exportedBy: { id: me?.id ?? '', name: me?.displayName ?? '' },
    };
    const writer = new TranscriptWriter(choice.format, header);
    const parts = [writer.start()];
    const files: EncryptedAttachment[] = [];
    for (const message of await this.inRange(room.id, choice.from, choice.to)) {
      const { line, sealed } = await this.line(message);
      parts.push(writer.message(line));
      files.push(...sealed);
    }
    parts.push(writer.end());
    if (!choice.withFiles) return new Blob(parts, { type: transcriptMime(choice.format) });
    // The files decrypted here, one after another, into a zip written here (fflate, loaded only now).
    const { strToU8, zipSync } = await import('fflate');
    const entries: Record<string, Uint8Array> = { [name]: strToU8(parts.join('')) };
    for (const f of files) {
      const bytes = await this.sealedFiles.bytes(f).catch(() => null);
      if (bytes) entries[`files/${f.id}/${downloadName(f.name)}`] = bytes;
    }
    return new Blob([zipSync(entries, { level: 6 }) as BlobPart], { type: 'application/zip' });
  }

  /** The room's messages sent in [from, to), oldest first, paging back from the newest. */
  private async inRange(roomId: string, from: Date, to: Date): Promise<Message[]> {
    const found: Message[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await firstValueFrom(this.messagesApi.history(roomId, { limit: PAGE, ...(before !== undefined ? { before } : {}) }));
      for (const m of page.items) {
        const at = Date.parse(m.createdAt);
        if (at >= from.getTime() && at < to.getTime()) found.push(m);
      }
      const oldest = page.items[0];
      if (!page.hasMore || !oldest || Date.parse(oldest.createdAt) < from.getTime()) break;
      before = oldest.seq;
    }
    return found.sort((a, b) => a.seq - b.seq);
  }

  private async line(m: Message): Promise<{ line: TranscriptMessage; sealed: EncryptedAttachment[] }> {
    const line: TranscriptMessage = {
      id: m.id,
      seq: m.seq,
      sender: { id: m.senderId, name: this.people.nameOf(m.senderId, 'Former member') },
      createdAt: m.createdAt,
      editedAt: m.editedAt,
      deleted: m.deletedAt !== null,
      kind: m.kind,
      event: m.event,
      body: m.body,
      attachments: m.attachments.map((a) => ({ id: a.id, name: a.name, size: a.size, mime: a.mime })),
      replyToId: m.replyToId,
    };
    if (!m.encrypted || m.deletedAt) return { line, sealed: [] };
    const content = await this.decrypted.contentOf(m);
    if (!content) return { line: { ...line, body: '(This device cannot decrypt this message.)', attachments: [] }, sealed: [] };
    const sealed = carriedBy(content.attachments, m.attachments.map((a) => a.id));
    return { line: { ...line, body: content.body, attachments: sealed.map((a) => ({ id: a.id, name: a.name, size: a.size, mime: a.mime })) }, sealed };
  }
}
