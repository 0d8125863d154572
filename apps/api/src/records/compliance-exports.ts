import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditAction, ComplianceExport, ComplianceExportStatus, CreateComplianceExportRequest, Message, RoomKind } from '@parley/contracts';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { hostname } from 'node:os';
import { PassThrough, Readable } from 'node:stream';
import { LessThan, Repository } from 'typeorm';
import { errors } from '../common/errors';
import { HEADER_BYTES, openSegments, parseSegmentedHeader, sealSegments } from '../encryption/segmented';
import { KeyRing } from '../encryption/key-ring';
import { BLOB_STORE, BlobStore } from '../files/blob-store';
import { FilesService } from '../files/files.service';
import { JobsService } from '../jobs/jobs.service';
import { MessagesService } from '../messages/messages.service';
import { RoomsService } from '../rooms/rooms.service';
import { UsersService } from '../users/users.service';
import { AuditLog } from './audit-log';
import { ComplianceExportEntity } from './records.entities';
import { zipEntryName } from './zip-entry-name';

/** How often each process looks for an export to run (the claim in the database picks one process). */
const POLL_MS = 5_000;
/** A run whose process has given no sign of life for this long is taken over by another. */
const STALE_MS = 2 * 60_000;
/** The longest range one export may cover. */
const MAX_DAYS = 3660;

const zipKey = (id: string) => `exports/${id}.zip`;
const zipAad = (id: string) => `compliance_export:${id}`;

interface Progress {
  rooms: number;
  roomsDone: number;
  messages: number;
  files: number;
}

/**
 * Compliance exports (issue 13): an admin asks for all rooms, or chosen rooms or people, over a date range; a
 * background job (claimed in the database, so one process runs each, and taken over when that process dies)
 * writes a zip to the file store: `manifest.json`, `messages.jsonl` (one JSON object per message, in room and
 * seq order) and, unless left out, `files/<fileId>/<name>` with the files the messages carry. The zip is sealed
 * at rest like files. End-to-end encrypted rooms are exported as the server holds them: their messages'
 * ciphertext, and no files (the server cannot read either). Every request and download is in the audit log.
 */
@Injectable()
export class ComplianceExports implements OnApplicationBootstrap {
  private readonly logger = new Logger(ComplianceExports.name);
  private readonly me = `${hostname()}:${process.pid}`;
  private working = false;

  constructor(
    @InjectRepository(ComplianceExportEntity) private readonly exports: Repository<ComplianceExportEntity>,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly keys: KeyRing,
    private readonly messages: MessagesService,
    private readonly rooms: RoomsService,
    private readonly users: UsersService,
    private readonly files: FilesService,
    private readonly audit: AuditLog,
    private readonly jobs: JobsService,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.every('compliance-exports', POLL_MS, () => this.work());
  }

  async create(adminId: string, input: CreateComplianceExportRequest): Promise<ComplianceExport> {
    const from = new Date(input.from);
    const to = new Date(input.to);
    if (to.getTime() <= from.getTime()) throw errors.validation('to', 'to must be later than from');
    if (to.getTime() - from.getTime() > MAX_DAYS * 86_400_000) throw errors.validation('to', `An export covers at most ${MAX_DAYS} days`);
    const known = new Set((await this.rooms.allRooms()).map((r) => r.id));
    const unknownRoom = input.roomIds?.find((id) => !known.has(id));
    if (unknownRoom) throw errors.validation('roomIds', `No such room: ${unknownRoom}`);
    if (input.userIds?.length) {
      const found = await this.users.displayNames(input.userIds);
      const unknownUser = input.userIds.find((id) => !found.has(id));
      if (unknownUser) throw errors.validation('userIds', `No such user: ${unknownUser}`);
    }
    const saved = await this.exports.save(
      this.exports.create({
        requestedBy: adminId,
        rangeFrom: from,
        rangeTo: to,
        roomIds: input.roomIds?.length ? JSON.stringify([...new Set(input.roomIds)]) : null,
        userIds: input.userIds?.length ? JSON.stringify([...new Set(input.userIds)]) : null,
        includeFiles: input.includeFiles ?? true,
        status: ComplianceExportStatus.Queued,
        progress: JSON.stringify({ rooms: 0, roomsDone: 0, messages: 0, files: 0 } satisfies Progress),
        createdAt: new Date(),
      }),
    );
    await this.audit.record(adminId, AuditAction.ComplianceExportRequested, {
      exportId: saved.id,
      from: from.toISOString(),
      to: to.toISOString(),
      roomIds: input.roomIds ?? null,
      userIds: input.userIds ?? null,
      includeFiles: saved.includeFiles,
    });
    // Started soon by whichever process polls first; this one looks at once.
    setTimeout(() => void this.work(), 0);
    return (await this.describe([saved]))[0]!;
  }

  async list(): Promise<ComplianceExport[]> {
    return this.describe(await this.exports.find({ order: { createdAt: 'DESC' }, take: 50 }));
  }

  async get(id: string): Promise<ComplianceExport> {
    const row = await this.exports.findOneBy({ id });
    if (!row) throw errors.notFound('Export');
    return (await this.describe([row]))[0]!;
  }

  /** The finished zip, to stream to an admin (the download is audited). */
  async download(adminId: string, id: string): Promise<{ name: string; size: number; body: Readable }> {
    const row = await this.exports.findOneBy({ id });
    if (!row) throw errors.notFound('Export');
    if (row.status !== ComplianceExportStatus.Done || row.size === null) throw errors.conflict('This export is not ready yet');
    const body = await this.openZip(row);
    if (!body) throw errors.notFound('Export file');
    await this.audit.record(adminId, AuditAction.ComplianceExportDownloaded, { exportId: id });
    return { name: `parley-export-${row.rangeFrom.toISOString().slice(0, 10)}-to-${row.rangeTo.toISOString().slice(0, 10)}.zip`, size: row.size, body };
  }

  // ---- the background job ----

  /** Claims one export waiting (or whose runner went silent) and writes it; one at a time per process. */
  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      for (;;) {
        const row = await this.claim();
        if (!row) return;
        await this.run(row);
      }
    } finally {
      this.working = false;
    }
  }

  private async claim(): Promise<ComplianceExportEntity | null> {
    const candidates = await this.exports.find({
      where: [{ status: ComplianceExportStatus.Queued }, { status: ComplianceExportStatus.Running, heartbeatAt: LessThan(new Date(Date.now() - STALE_MS)) }],
      order: { createdAt: 'ASC' },
      take: 5,
    });
    for (const candidate of candidates) {
      // One conditional UPDATE: only one process moves it from what it read.
      const claimed = await this.exports.update(
        { id: candidate.id, status: candidate.status, ...(candidate.heartbeatAt ? { heartbeatAt: candidate.heartbeatAt } : {}) },
        { status: ComplianceExportStatus.Running, heartbeatAt: new Date(), error: null },
      );
      if (claimed.affected === 1) return { ...candidate, status: ComplianceExportStatus.Running };
    }
    return null;
  }

  private async run(row: ComplianceExportEntity): Promise<void> {
    try {
      const { size, keyId } = await this.write(row);
      await this.exports.update({ id: row.id }, { status: ComplianceExportStatus.Done, size, contentKeyId: keyId, finishedAt: new Date(), heartbeatAt: new Date() });
    } catch (err) {
      this.logger.error(`Compliance export ${row.id} failed: ${err instanceof Error ? err.message : String(err)}`);
      await this.exports.update({ id: row.id }, { status: ComplianceExportStatus.Failed, error: 'The export could not be written. Ask for it again.', finishedAt: new Date() });
    }
  }

  /** Streams the zip into the file store (sealed when encryption at rest is on); its plaintext size and key. */
  private async write(row: ComplianceExportEntity): Promise<{ size: number; keyId: string | null }> {
    const wantedRooms = row.roomIds ? new Set(JSON.parse(row.roomIds) as string[]) : null;
    const senders = row.userIds ? new Set(JSON.parse(row.userIds) as string[]) : null;
    const rooms = (await this.rooms.allRooms()).filter((r) => !wantedRooms || wantedRooms.has(r.id));
    const progress: Progress = { rooms: rooms.length, roomsDone: 0, messages: 0, files: 0 };
    const out = new PassThrough();
    let size = 0;
    const zip = new Zip((err, chunk, final) => {
      if (err) out.destroy(err);
      else {
        size += chunk.length;
        out.write(Buffer.from(chunk));
        if (final) out.end();
      }
    });
    const key = this.keys.streamSealingKey();
    const stored = this.blobs.put(zipKey(row.id), key ? Readable.from(sealSegments(key, out, zipAad(row.id))) : out);
    // The store failing stops the writer instead of leaving it waiting for room that never comes.
    const storeFailed = stored.then(
      () => new Promise<never>(() => undefined),
      (err: unknown) => Promise.reject(err instanceof Error ? err : new Error(String(err))),
    );
    storeFailed.catch(() => undefined);
    /** Adds bytes to an entry, waiting while the store is behind. */
    const push = async (entry: ZipDeflate | ZipPassThrough, data: Uint8Array, final = false) => {
      entry.push(data, final);
      if (out.writableNeedDrain) await Promise.race([new Promise((resolve) => out.once('drain', resolve)), storeFailed]);
    };
    const names = new Map<string, string>();
    const nameOf = async (id: string) => {
      if (!names.has(id)) for (const [k, v] of await this.users.displayNames([id])) names.set(k, v);
      return names.get(id) ?? 'Former user';
    };
    const requester = await nameOf(row.requestedBy);
    const jsonl = new ZipDeflate('messages.jsonl', { level: 6 });
    zip.add(jsonl);
    const fileEntries: { id: string; name: string }[] = [];
    for (const room of rooms) {
      const roomName = room.kind === RoomKind.Direct ? 'Direct conversation' : room.name;
      const encrypted = (await this.rooms.isEncrypted(room.id)) === true;
      for await (const page of this.messages.recordPages(room.id, row.rangeFrom, row.rangeTo)) {
        let text = '';
        for (const m of page) {
          if (senders && !senders.has(m.senderId)) continue;
          text += `${JSON.stringify(await this.line(m, roomName, encrypted, nameOf))}\n`;
          progress.messages++;
          if (!encrypted && row.includeFiles && !m.deletedAt) for (const a of m.attachments) fileEntries.push({ id: a.id, name: a.name });
        }
        if (text) await push(jsonl, Buffer.from(text));
        await this.beat(row.id, progress);
      }
      progress.roomsDone++;
      await this.beat(row.id, progress);
    }
    await push(jsonl, new Uint8Array(0), true);
    for (const f of fileEntries) {
      const opened = await this.files.openForRecords(f.id);
      if (!opened) continue;
      const entry = new ZipPassThrough(`files/${f.id}/${zipEntryName(f.name)}`);
      zip.add(entry);
      for await (const chunk of opened.body) await push(entry, chunk as Buffer);
      await push(entry, new Uint8Array(0), true);
      progress.files++;
      await this.beat(row.id, progress);
    }
    const manifest = new ZipDeflate('manifest.json', { level: 6 });
    zip.add(manifest);
    const about = {
      exportId: row.id,
      requestedBy: { id: row.requestedBy, name: requester },
      createdAt: row.createdAt.toISOString(),
      from: row.rangeFrom.toISOString(),
      to: row.rangeTo.toISOString(),
      rooms: rooms.map((r) => ({ id: r.id, name: r.kind === RoomKind.Direct ? 'Direct conversation' : r.name, kind: r.kind })),
      userIds: senders ? [...senders] : null,
      includeFiles: row.includeFiles,
      messages: progress.messages,
      files: progress.files,
      notes: 'messages.jsonl holds one message per line, by room then seq. End-to-end encrypted rooms are exported as the server holds them: body empty, the Megolm ciphertext in `encrypted`, no files.',
    };
    await push(manifest, Buffer.from(JSON.stringify(about, null, 2)), true);
    zip.end();
    await stored;
    await this.beat(row.id, progress, true);
    return { size, keyId: key?.id ?? null };
  }

  private async line(m: Message, roomName: string, encrypted: boolean, nameOf: (id: string) => Promise<string>) {
    return {
      roomId: m.roomId,
      roomName,
      seq: m.seq,
      id: m.id,
      sender: { id: m.senderId, name: await nameOf(m.senderId) },
      createdAt: m.createdAt,
      editedAt: m.editedAt,
      deletedAt: m.deletedAt,
      kind: m.kind,
      event: m.event,
      replyToId: m.replyToId,
      body: m.body,
      encrypted: encrypted ? m.encrypted : null,
      attachments: encrypted ? [] : m.attachments.map((a) => ({ id: a.id, name: a.name, size: a.size, mime: a.mime, path: `files/${a.id}/${zipEntryName(a.name)}` })),
    };
  }

  /** Records progress and that this process is alive (at most every second, or when `force`). */
  private lastBeat = 0;
  private async beat(id: string, progress: Progress, force = false): Promise<void> {
    if (!force && Date.now() - this.lastBeat < 1000) return;
    this.lastBeat = Date.now();
    await this.exports.update({ id }, { progress: JSON.stringify(progress), heartbeatAt: new Date() });
  }

  private async openZip(row: ComplianceExportEntity): Promise<Readable | null> {
    if (!row.contentKeyId) return this.blobs.get(zipKey(row.id));
    const head = await this.blobs.get(zipKey(row.id), { start: 0, end: HEADER_BYTES - 1 });
    if (!head) return null;
    const chunks: Buffer[] = [];
    for await (const c of head) chunks.push(Buffer.from(c as Buffer));
    const header = parseSegmentedHeader(Buffer.concat(chunks));
    if (!header) return null;
    const stored = await this.blobs.stat(zipKey(row.id));
    const body = stored ? await this.blobs.get(zipKey(row.id), { start: HEADER_BYTES, end: stored.size - 1 }) : null;
    if (!body) return null;
    return Readable.from(openSegments(await this.keys.openingKey(header.keyId), header, body, zipAad(row.id)));
  }

  private async describe(rows: ComplianceExportEntity[]): Promise<ComplianceExport[]> {
    const names = await this.users.displayNames([...new Set(rows.map((r) => r.requestedBy))]);
    return rows.map((r) => ({
      id: r.id,
      requestedBy: { id: r.requestedBy, name: names.get(r.requestedBy) ?? 'Former user' },
      from: r.rangeFrom.toISOString(),
      to: r.rangeTo.toISOString(),
      roomIds: r.roomIds ? (JSON.parse(r.roomIds) as string[]) : null,
      userIds: r.userIds ? (JSON.parse(r.userIds) as string[]) : null,
      includeFiles: r.includeFiles,
      status: r.status as ComplianceExportStatus,
      progress: JSON.parse(r.progress) as Progress,
      size: r.size,
      error: r.error,
      createdAt: r.createdAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
    }));
  }
}

