import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { E2EE_SYNC_TO_DEVICE_MAX, E2EE_TO_DEVICE_CONTENT_MAX_BYTES, E2EE_TO_DEVICE_RECIPIENTS_MAX, E2eeSyncResponse, e2eeUserId } from '@parley/contracts';
import { LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import type { RequestAuth } from '../auth/request-auth';
import { errors } from '../common/errors';
import { AppEvents } from '../events/app-events';
import { RoomsService } from '../rooms/rooms.service';
import { UsersService } from '../users/users.service';
import { E2eeDevicesService } from './e2ee-devices.service';
import { E2eeKeysService } from './e2ee-keys.service';
import { E2eeInboxEntity } from './e2ee.entities';
import { Json, capBytes, deviceIdOf, object, onlyKeys, userIdOf } from './e2ee-validation';

/** `<inbox position>_<device-change position>`: where a device's sync stands. */
export function parseSyncToken(token: string | undefined): { inbox: number; changes: number } | null {
  if (token === undefined || token === '') return null;
  const match = /^(\d{1,15})_(\d{1,15})$/.exec(token);
  if (!match) throw errors.validation('since', 'since must be a next_batch token from an earlier sync');
  return { inbox: Number(match[1]), changes: Number(match[2]) };
}

/**
 * To-device messages (Olm ciphertexts: room keys, verification, key requests), kept in each recipient
 * device's inbox until that device acknowledges them, and the device's sync: its inbox, the device-list
 * changes of people it shares a room with, and its one-time key counts.
 */
@Injectable()
export class ToDeviceService {
  constructor(
    @InjectRepository(E2eeInboxEntity) private readonly inbox: Repository<E2eeInboxEntity>,
    private readonly devices: E2eeDevicesService,
    private readonly keys: E2eeKeysService,
    private readonly rooms: RoomsService,
    private readonly users: UsersService,
    private readonly events: AppEvents,
  ) {}

  /** `sendToDevice`: stores the messages for their devices, once per transaction id. */
  async send(auth: RequestAuth, eventType: string, txnId: string, body: Json): Promise<Json> {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(eventType)) throw errors.validation('eventType', 'eventType must be an event type (letters, digits, ".", "_", "-")');
    if (!/^[A-Za-z0-9._=-]{1,100}$/.test(txnId)) throw errors.validation('txnId', 'txnId must be 1 to 100 letters, digits, ".", "_", "=" or "-"');
    onlyKeys(body, ['messages'], 'body');
    const sender = await this.devices.require(auth);
    const messages = object(body['messages'], 'messages');
    const rows: Omit<E2eeInboxEntity, 'pos'>[] = [];
    for (const [mxid, perDevice] of Object.entries(messages)) {
      const userId = userIdOf(mxid, `messages.${mxid}`);
      if (!(await this.users.findById(userId))) throw errors.validation(`messages.${mxid}`, `messages.${mxid} is not a user of this server`);
      for (const [target, content] of Object.entries(object(perDevice, `messages.${mxid}`))) {
        const field = `messages.${mxid}.${target}`;
        const json = capBytes(object(content, field), E2EE_TO_DEVICE_CONTENT_MAX_BYTES, field);
        const deviceIds = target === '*' ? await this.devices.deviceIdsOf(userId) : [deviceIdOf(target, field)];
        for (const deviceId of deviceIds) {
          rows.push({ userId, deviceId, senderId: sender.userId, senderDeviceId: sender.deviceId, txnId, type: eventType, content: json });
        }
        if (rows.length > E2EE_TO_DEVICE_RECIPIENTS_MAX) throw errors.validation('messages', `At most ${E2EE_TO_DEVICE_RECIPIENTS_MAX} recipient devices per request`);
      }
    }
    if (rows.length) {
      // A retried request (same sender device and txnId) adds nothing.
      await this.inbox.createQueryBuilder().insert().into(E2eeInboxEntity).values(rows).orIgnore().execute();
      await this.events.emit('e2ee.inbox', { userIds: [...new Set(rows.map((r) => r.userId))] });
    }
    return {};
  }

  /** The device's sync from `since` (see E2eeSyncResponse). Asking from a token deletes the events before it. */
  async sync(auth: RequestAuth, since: string | undefined): Promise<E2eeSyncResponse> {
    const device = await this.devices.require(auth);
    const from = parseSyncToken(since);
    const at = { userId: device.userId, deviceId: device.deviceId };
    if (from) await this.inbox.delete({ ...at, pos: LessThanOrEqual(from.inbox) });
    const [rows, lastChange] = await Promise.all([
      this.inbox.find({ where: { ...at, pos: MoreThan(from?.inbox ?? 0) }, order: { pos: 'ASC' }, take: E2EE_SYNC_TO_DEVICE_MAX }),
      this.devices.lastChange(),
    ]);
    let changed: string[] = [];
    if (from) {
      const users = await this.devices.changedSince(from.changes, lastChange);
      const sharing = await this.rooms.usersSharingARoom(device.userId, users);
      changed = users.filter((id) => sharing.has(id)).map(e2eeUserId);
    }
    await this.devices.seen(device);
    const inboxAt = rows.length ? Number(rows[rows.length - 1]!.pos) : (from?.inbox ?? 0);
    return {
      next_batch: `${inboxAt}_${Math.max(lastChange, from?.changes ?? 0)}`,
      to_device: { events: rows.map((r) => ({ type: r.type, sender: e2eeUserId(r.senderId), content: JSON.parse(r.content) as Record<string, unknown> })) },
      device_lists: { changed, left: [] },
      device_one_time_keys_count: await this.keys.counts(device),
      device_unused_fallback_key_types: await this.keys.unusedFallbackTypes(device),
    };
  }
}
