import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { BACKUP_ALGORITHM, E2EE_ACCOUNT_DATA_MAX_BYTES, E2EE_ACCOUNT_DATA_TYPE_PATTERN, E2EE_BACKUP_SESSIONS_PER_REQUEST_MAX } from '@parley/contracts';
import { IsNull, Repository } from 'typeorm';
import { errors } from '../common/errors';
import { E2eeAccountDataEntity, E2eeBackupKeyEntity, E2eeBackupVersionEntity } from './e2ee.entities';
import { Json, capBytes, isObject, object, onlyKeys, string } from './e2ee-validation';

const AUTH_DATA_MAX_BYTES = 8 * 1024;
const SESSION_DATA_MAX_BYTES = 16 * 1024;

/**
 * Server-side key backup (Matrix `room_keys`): each user's Megolm sessions, encrypted on their devices to the
 * backup's public key (the private half is the user's recovery key, which the server never sees), and the
 * user's account data (opaque documents such as secret storage). Nobody reads another user's.
 */
@Injectable()
export class KeyBackupService {
  constructor(
    @InjectRepository(E2eeBackupVersionEntity) private readonly versions: Repository<E2eeBackupVersionEntity>,
    @InjectRepository(E2eeBackupKeyEntity) private readonly keys: Repository<E2eeBackupKeyEntity>,
    @InjectRepository(E2eeAccountDataEntity) private readonly accountData: Repository<E2eeAccountDataEntity>,
  ) {}

  private current(userId: string): Promise<E2eeBackupVersionEntity | null> {
    return this.versions.findOne({ where: { userId, deletedAt: IsNull() }, order: { version: 'DESC' } });
  }

  private parseVersion(body: Json): { algorithm: string; authData: string } {
    onlyKeys(body, ['algorithm', 'auth_data'], 'body');
    if (body['algorithm'] !== BACKUP_ALGORITHM) throw errors.validation('algorithm', `algorithm must be "${BACKUP_ALGORITHM}"`);
    const authData = capBytes(object(body['auth_data'], 'auth_data'), AUTH_DATA_MAX_BYTES, 'auth_data');
    return { algorithm: BACKUP_ALGORITHM, authData };
  }

  /** A new backup version; the previous one (and its keys) is retired. */
  async createVersion(userId: string, body: Json): Promise<{ version: string }> {
    const { algorithm, authData } = this.parseVersion(body);
    const previous = await this.current(userId);
    const saved = await this.versions.save(this.versions.create({ userId, algorithm, authData, deletedAt: null }));
    if (previous) await this.retire(previous);
    return { version: String(saved.version) };
  }

  async getVersion(userId: string): Promise<Json> {
    const v = await this.current(userId);
    if (!v) throw errors.notFound('Key backup', 'No key backup is set up');
    const count = await this.keys.countBy({ version: String(v.version) });
    return { algorithm: v.algorithm, auth_data: JSON.parse(v.authData) as Json, version: String(v.version), count, etag: String(count) };
  }

  async updateVersion(userId: string, version: string, body: Json): Promise<Json> {
    const v = await this.own(userId, version);
    const { authData } = this.parseVersion(body);
    await this.versions.update({ version: v.version }, { authData });
    return {};
  }

  async deleteVersion(userId: string, version: string): Promise<Json> {
    await this.retire(await this.own(userId, version));
    return {};
  }

  /** Stores sessions into the current version (409 for another version: a device with an old backup must catch up). */
  async putKeys(userId: string, version: string | undefined, body: Json): Promise<{ count: number; etag: string }> {
    const v = await this.current(userId);
    if (!v || String(v.version) !== version) throw errors.conflict('This is not the current key backup version; fetch the current one first', 'version');
    onlyKeys(body, ['rooms'], 'body');
    const rooms = object(body['rooms'], 'rooms');
    const rows: E2eeBackupKeyEntity[] = [];
    for (const [roomId, room] of Object.entries(rooms)) {
      string(roomId, 'rooms', 100);
      const sessions = object(object(room, `rooms.${roomId}`)['sessions'], `rooms.${roomId}.sessions`);
      for (const [sessionId, data] of Object.entries(sessions)) {
        string(sessionId, `rooms.${roomId}.sessions`, 100);
        const field = `rooms.${roomId}.sessions.${sessionId}`;
        if (!isObject(data)) throw errors.validation(field, `${field} must be an object`);
        rows.push(this.keys.create({ version: String(v.version), roomId, sessionId, data: capBytes(data, SESSION_DATA_MAX_BYTES, field) }));
      }
    }
    if (rows.length > E2EE_BACKUP_SESSIONS_PER_REQUEST_MAX) throw errors.validation('rooms', `At most ${E2EE_BACKUP_SESSIONS_PER_REQUEST_MAX} sessions per request`);
    // A session backed up again (another device of the user, or after a restore) replaces the stored copy.
    for (let i = 0; i < rows.length; i += 200) await this.keys.upsert(rows.slice(i, i + 200), ['version', 'roomId', 'sessionId']);
    const count = await this.keys.countBy({ version: String(v.version) });
    return { count, etag: String(count) };
  }

  async getKeys(userId: string, version: string | undefined): Promise<Json> {
    const v = await this.own(userId, version ?? '');
    const rows = await this.keys.find({ where: { version: String(v.version) } });
    const rooms: Record<string, { sessions: Record<string, unknown> }> = {};
    for (const r of rows) (rooms[r.roomId] ??= { sessions: {} }).sessions[r.sessionId] = JSON.parse(r.data) as unknown;
    return { rooms };
  }

  /** Every account data document of the user, by type (a few small documents: secret storage). */
  async listAccountData(userId: string): Promise<Json> {
    const rows = await this.accountData.find({ where: { userId } });
    return { account_data: Object.fromEntries(rows.map((r) => [r.type, JSON.parse(r.content) as unknown])) };
  }

  async getAccountData(userId: string, type: string): Promise<Json> {
    this.checkType(type);
    const row = await this.accountData.findOneBy({ userId, type });
    if (!row) throw errors.notFound('Account data');
    return { content: JSON.parse(row.content) as unknown };
  }

  async putAccountData(userId: string, type: string, body: Json): Promise<Json> {
    this.checkType(type);
    onlyKeys(body, ['content'], 'body');
    const content = capBytes(object(body['content'], 'content'), E2EE_ACCOUNT_DATA_MAX_BYTES, 'content');
    await this.accountData.save({ userId, type, content });
    return {};
  }

  private checkType(type: string): void {
    if (!E2EE_ACCOUNT_DATA_TYPE_PATTERN.test(type)) throw errors.validation('type', 'type must be lower-case letters, digits, ".", "_" or "-"');
  }

  /** A version of the user's (another user's is as missing as one that never was). */
  private async own(userId: string, version: string): Promise<E2eeBackupVersionEntity> {
    const n = /^\d{1,15}$/.test(version) ? Number(version) : NaN;
    const v = Number.isFinite(n) ? await this.versions.findOneBy({ version: n, userId, deletedAt: IsNull() }) : null;
    if (!v) throw errors.notFound('Key backup version');
    return v;
  }

  private async retire(v: E2eeBackupVersionEntity): Promise<void> {
    await this.versions.update({ version: v.version }, { deletedAt: new Date() });
    await this.keys.delete({ version: String(v.version) });
  }
}
