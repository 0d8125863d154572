import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { E2EE_DEVICE_NAME_MAX_LENGTH, E2eeDevice, e2eeUserId } from '@parley/contracts';
import { randomInt } from 'node:crypto';
import { In, Repository } from 'typeorm';
import type { RequestAuth } from '../auth/request-auth';
import { SessionsService } from '../auth/sessions.service';
import { AccessTokensService } from '../auth/access-tokens.service';
import { errors } from '../common/errors';
import { isUniqueViolation } from '../common/unique-violation';
import { AppEvents } from '../events/app-events';
import { E2eeDeviceChangeEntity, E2eeDeviceEntity, E2eeInboxEntity, E2eeOneTimeKeyEntity } from './e2ee.entities';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
function newDeviceId(): string {
  let id = '';
  for (let i = 0; i < 10; i++) id += LETTERS[randomInt(26)];
  return id;
}

/** "Chrome on Linux", from a user agent (the name a device gets until its owner renames it). */
export function deviceNameFrom(userAgent: string | null | undefined): string {
  const ua = userAgent ?? '';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : '';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  if (!browser) return 'Client';
  return os ? `${browser} on ${os}` : browser;
}

export function toDevice(d: E2eeDeviceEntity, currentDeviceId?: string): E2eeDevice {
  return {
    userId: e2eeUserId(d.userId),
    deviceId: d.deviceId,
    displayName: d.displayName,
    createdAt: d.createdAt.toISOString(),
    lastSeenAt: d.lastSeenAt.toISOString(),
    current: d.deviceId === currentDeviceId,
    hasKeys: d.keys !== null,
  };
}

/**
 * Devices (one per sign-in that registered) and the stream of device-list changes. A device lives as long as
 * its session or access token: when they end (the auth module's events), the device, its one-time keys and
 * its inbox go, and a change is recorded so that the people who share a room with its owner stop sending
 * room keys to it (their next message rotates the room key).
 */
@Injectable()
export class E2eeDevicesService {
  constructor(
    @InjectRepository(E2eeDeviceEntity) private readonly devices: Repository<E2eeDeviceEntity>,
    @InjectRepository(E2eeDeviceChangeEntity) private readonly changes: Repository<E2eeDeviceChangeEntity>,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokensService,
    private readonly events: AppEvents,
  ) {
    events.on('auth.sessions-ended', async ({ userId, sessionIds, exceptSessionId }) => {
      const all = await this.devices.find({ where: { userId } });
      const ended = all.filter((d) => d.sessionId && (sessionIds ? sessionIds.includes(d.sessionId) : d.sessionId !== exceptSessionId));
      await this.removeDevices(userId, ended);
    });
    events.on('auth.token-revoked', async ({ userId, tokenId }) => {
      await this.removeDevices(userId, await this.devices.find({ where: { userId, accessTokenId: tokenId } }));
    });
    events.on('user.deactivated', async ({ userId }) => {
      await this.removeDevices(userId, await this.devices.find({ where: { userId } }));
    });
  }

  private credential(auth: RequestAuth): { sessionId: string } | { accessTokenId: string } {
    if (auth.sessionId) return { sessionId: auth.sessionId };
    if (auth.accessTokenId) return { accessTokenId: auth.accessTokenId };
    throw errors.forbidden('This sign-in cannot be a device');
  }

  /** The caller's device, or null when this sign-in has not registered. */
  current(auth: RequestAuth): Promise<E2eeDeviceEntity | null> {
    return this.devices.findOne({ where: { userId: auth.user.id, ...this.credential(auth) } });
  }

  /** The caller's device, or 400 when this sign-in has not registered. */
  async require(auth: RequestAuth): Promise<E2eeDeviceEntity> {
    const device = await this.current(auth);
    if (!device) throw errors.badRequest('Register this sign-in as a device first (POST /api/e2ee/device)');
    return device;
  }

  /** This sign-in's device: created the first time, the same one after. */
  async register(auth: RequestAuth, displayName: string | undefined, userAgent: string | undefined): Promise<E2eeDevice> {
    const existing = await this.current(auth);
    if (existing) return toDevice(existing, existing.deviceId);
    const now = new Date();
    for (let attempt = 0; ; attempt++) {
      const device = this.devices.create({
        userId: auth.user.id,
        deviceId: newDeviceId(),
        sessionId: null,
        accessTokenId: null,
        ...this.credential(auth),
        displayName: (displayName?.trim() || deviceNameFrom(userAgent)).slice(0, E2EE_DEVICE_NAME_MAX_LENGTH),
        keys: null,
        createdAt: now,
        lastSeenAt: now,
      });
      try {
        await this.devices.insert(device);
        return toDevice(device, device.deviceId);
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 5) throw err;
        // The same sign-in registering twice at once: the other request's device is this one.
        const raced = await this.current(auth);
        if (raced) return toDevice(raced, raced.deviceId);
      }
    }
  }

  async list(auth: RequestAuth): Promise<E2eeDevice[]> {
    const current = await this.current(auth);
    const all = await this.devices.find({ where: { userId: auth.user.id }, order: { createdAt: 'DESC' } });
    return all.map((d) => toDevice(d, current?.deviceId));
  }

  async rename(auth: RequestAuth, deviceId: string, displayName: string): Promise<E2eeDevice> {
    const device = await this.devices.findOneBy({ userId: auth.user.id, deviceId });
    if (!device) throw errors.notFound('Device');
    device.displayName = displayName.trim().slice(0, E2EE_DEVICE_NAME_MAX_LENGTH);
    await this.devices.update({ userId: device.userId, deviceId }, { displayName: device.displayName });
    const current = await this.current(auth);
    return toDevice(device, current?.deviceId);
  }

  /** Signs a device out: its session (or access token) ends through the auth module, and the device goes with it. */
  async remove(auth: RequestAuth, deviceId: string): Promise<void> {
    const device = await this.devices.findOneBy({ userId: auth.user.id, deviceId });
    if (!device) throw errors.notFound('Device');
    if (device.sessionId) await this.sessions.revokeForUser(auth.user.id, device.sessionId).catch(() => undefined);
    else if (device.accessTokenId) await this.tokens.revoke(auth.user.id, device.accessTokenId).catch(() => undefined);
    // The events above remove it; a session that had already gone is removed here.
    await this.removeDevices(auth.user.id, [device]);
  }

  /** The devices of these users (with keys uploaded), by user. */
  async withKeys(userIds: string[]): Promise<E2eeDeviceEntity[]> {
    if (userIds.length === 0) return [];
    const rows = await this.devices.find({ where: { userId: In(userIds) } });
    return rows.filter((d) => d.keys !== null);
  }

  async setKeys(device: E2eeDeviceEntity, keys: string): Promise<void> {
    await this.devices.update({ userId: device.userId, deviceId: device.deviceId }, { keys });
    device.keys = keys;
  }

  /** Device ids of a user ('*' recipients). */
  async deviceIdsOf(userId: string): Promise<string[]> {
    return (await this.devices.find({ select: { deviceId: true }, where: { userId } })).map((d) => d.deviceId);
  }

  async exists(userId: string, deviceId: string): Promise<boolean> {
    return this.devices.exists({ where: { userId, deviceId } });
  }

  async seen(device: E2eeDeviceEntity): Promise<void> {
    const now = new Date();
    if (now.getTime() - device.lastSeenAt.getTime() < 60_000) return;
    await this.devices.update({ userId: device.userId, deviceId: device.deviceId }, { lastSeenAt: now });
  }

  /** Records that a user's devices or keys changed, and tells whoever shares a room with them. */
  async changed(userId: string): Promise<void> {
    await this.changes.insert({ userId });
    await this.events.emit('e2ee.devices-changed', { userId });
  }

  /** The users whose devices changed after `after` (up to `upTo`). */
  async changedSince(after: number, upTo: number): Promise<string[]> {
    if (upTo <= after) return [];
    const rows: { userId: string }[] = await this.changes
      .createQueryBuilder('c')
      .select('DISTINCT c.userId', 'userId')
      .where('c.pos > :after AND c.pos <= :upTo', { after, upTo })
      .getRawMany();
    return rows.map((r) => r.userId);
  }

  async lastChange(): Promise<number> {
    const row: { pos: number | string | null } | undefined = await this.changes.createQueryBuilder('c').select('MAX(c.pos)', 'pos').getRawOne();
    return Number(row?.pos ?? 0);
  }

  private async removeDevices(userId: string, gone: E2eeDeviceEntity[]): Promise<void> {
    if (gone.length === 0) return;
    const ids = gone.map((d) => d.deviceId);
    await this.devices.manager.transaction(async (em) => {
      await em.delete(E2eeOneTimeKeyEntity, { userId, deviceId: In(ids) });
      await em.delete(E2eeInboxEntity, { userId, deviceId: In(ids) });
      await em.delete(E2eeDeviceEntity, { userId, deviceId: In(ids) });
    });
    await this.changed(userId);
  }
}
