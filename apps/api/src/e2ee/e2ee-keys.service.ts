import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { E2EE_ONE_TIME_KEYS_UPLOAD_MAX, E2EE_QUERY_USERS_MAX, e2eeUserId } from '@parley/contracts';
import { In, Repository } from 'typeorm';
import type { RequestAuth } from '../auth/request-auth';
import { PasswordService } from '../auth/password.service';
import { errors } from '../common/errors';
import { isUniqueViolation } from '../common/unique-violation';
import { UsersService } from '../users/users.service';
import { E2eeDevicesService } from './e2ee-devices.service';
import { E2eeCrossSigningEntity, E2eeDeviceEntity, E2eeOneTimeKeyEntity } from './e2ee.entities';
import { Json, capBytes, deviceIdOf, isObject, mergeSignatures, object, onlyKeys, optionalObject, signedPart, string, userIdOf } from './e2ee-validation';

const KEY_JSON_MAX_BYTES = 16 * 1024;
const USAGES = { master_key: 'master', self_signing_key: 'self_signing', user_signing_key: 'user_signing' } as const;

/**
 * Public keys: devices' identity keys, one-time and fallback keys, cross-signing keys and the signatures
 * between them, in the shapes of the Matrix key endpoints. The server checks who may write what (only one's
 * own devices and keys) and the shapes; the signatures themselves are checked by the clients that rely on them.
 */
@Injectable()
export class E2eeKeysService {
  constructor(
    @InjectRepository(E2eeOneTimeKeyEntity) private readonly otks: Repository<E2eeOneTimeKeyEntity>,
    @InjectRepository(E2eeCrossSigningEntity) private readonly crossSigning: Repository<E2eeCrossSigningEntity>,
    private readonly devices: E2eeDevicesService,
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
  ) {}

  /** `keys/upload`: the device's identity keys (once), one-time keys and fallback keys. */
  async upload(auth: RequestAuth, body: Json): Promise<{ one_time_key_counts: Record<string, number> }> {
    onlyKeys(body, ['device_keys', 'one_time_keys', 'fallback_keys'], 'body');
    const device = await this.devices.require(auth);
    const deviceKeys = optionalObject(body['device_keys'], 'device_keys');
    if (deviceKeys) {
      if (deviceKeys['user_id'] !== e2eeUserId(device.userId) || deviceKeys['device_id'] !== device.deviceId) {
        throw errors.validation('device_keys', 'device_keys must be the keys of this device (its user_id and device_id)');
      }
      object(deviceKeys['keys'], 'device_keys.keys');
      if (!Array.isArray(deviceKeys['algorithms'])) throw errors.validation('device_keys.algorithms', 'device_keys.algorithms must be a list');
      object(deviceKeys['signatures'], 'device_keys.signatures');
      const json = capBytes(deviceKeys, KEY_JSON_MAX_BYTES, 'device_keys');
      if (device.keys !== null) {
        // A device's identity keys never change: a different key would be someone else's device.
        if (signedPart(JSON.parse(device.keys) as Json) !== signedPart(deviceKeys)) {
          throw errors.validation('device_keys', 'This device already has identity keys; they cannot be replaced');
        }
      } else {
        await this.devices.setKeys(device, json);
        await this.devices.changed(device.userId);
      }
    }
    const oneTime = optionalObject(body['one_time_keys'], 'one_time_keys') ?? {};
    const fallback = optionalObject(body['fallback_keys'], 'fallback_keys') ?? {};
    const entries = [...Object.entries(oneTime).map(([k, v]) => ({ k, v, fallback: false })), ...Object.entries(fallback).map(([k, v]) => ({ k, v, fallback: true }))];
    if (entries.length > E2EE_ONE_TIME_KEYS_UPLOAD_MAX) {
      throw errors.validation('one_time_keys', `At most ${E2EE_ONE_TIME_KEYS_UPLOAD_MAX} one-time and fallback keys per upload`);
    }
    if (entries.length && device.keys === null) throw errors.validation('device_keys', 'Upload the device keys before one-time keys');
    for (const { k, v, fallback: isFallback } of entries) {
      const field = `${isFallback ? 'fallback_keys' : 'one_time_keys'}.${k}`;
      if (!/^[a-z0-9_.]{1,60}:[A-Za-z0-9+/_-]{1,60}$/.test(k)) throw errors.validation(field, `${field} must be named <algorithm>:<key id>`);
      if (typeof v !== 'string' && !isObject(v)) throw errors.validation(field, `${field} must be a key or a signed key object`);
      const key = capBytes(v, 4096, field);
      if (isFallback) {
        // One fallback key per algorithm: a new one replaces the old.
        const algorithm = k.split(':')[0]!;
        const old = await this.otks.find({ where: { userId: device.userId, deviceId: device.deviceId, fallback: true } });
        const replaced = old.filter((o) => o.keyId.startsWith(`${algorithm}:`) && o.keyId !== k).map((o) => o.id);
        if (replaced.length) await this.otks.delete({ id: In(replaced) });
      }
      try {
        await this.otks.insert({ userId: device.userId, deviceId: device.deviceId, keyId: k, key, fallback: isFallback });
      } catch (err) {
        // The same key uploaded again (a retried request): it is there already.
        if (!isUniqueViolation(err)) throw err;
      }
    }
    return { one_time_key_counts: await this.counts(device) };
  }

  /** One-time keys left, by algorithm (`signed_curve25519: 50`). */
  async counts(device: E2eeDeviceEntity): Promise<Record<string, number>> {
    const rows = await this.otks.find({ select: { keyId: true }, where: { userId: device.userId, deviceId: device.deviceId, fallback: false } });
    const out: Record<string, number> = { signed_curve25519: 0 };
    for (const r of rows) {
      const algorithm = r.keyId.split(':')[0]!;
      out[algorithm] = (out[algorithm] ?? 0) + 1;
    }
    return out;
  }

  async unusedFallbackTypes(device: E2eeDeviceEntity): Promise<string[]> {
    const rows = await this.otks.find({ select: { keyId: true }, where: { userId: device.userId, deviceId: device.deviceId, fallback: true } });
    return [...new Set(rows.map((r) => r.keyId.split(':')[0]!))];
  }

  /** `keys/query`: devices' and cross-signing public keys of the users asked about. */
  async query(auth: RequestAuth, body: Json): Promise<Json> {
    onlyKeys(body, ['device_keys', 'timeout', 'token'], 'body');
    const wanted = object(body['device_keys'], 'device_keys');
    const mxids = Object.keys(wanted);
    if (mxids.length > E2EE_QUERY_USERS_MAX) throw errors.validation('device_keys', `At most ${E2EE_QUERY_USERS_MAX} users per query`);
    const byUser = new Map<string, string[] | null>();
    for (const mxid of mxids) {
      const list = wanted[mxid];
      if (!Array.isArray(list) || list.some((d) => typeof d !== 'string')) throw errors.validation(`device_keys.${mxid}`, 'must be a list of device ids');
      byUser.set(userIdOf(mxid, `device_keys.${mxid}`), list.length ? (list as string[]) : null);
    }
    const ids = [...byUser.keys()];
    const [devices, signing] = await Promise.all([
      this.devices.withKeys(ids),
      ids.length ? this.crossSigning.find({ where: { userId: In(ids) } }) : Promise.resolve([]),
    ]);
    const deviceKeys: Record<string, Json> = {};
    for (const id of ids) deviceKeys[e2eeUserId(id)] = {};
    for (const d of devices) {
      const only = byUser.get(d.userId);
      if (only && !only.includes(d.deviceId)) continue;
      const keys = JSON.parse(d.keys!) as Json;
      deviceKeys[e2eeUserId(d.userId)]![d.deviceId] = { ...keys, unsigned: { device_display_name: d.displayName } };
    }
    const master: Json = {};
    const selfSigning: Json = {};
    const userSigning: Json = {};
    for (const k of signing) {
      const key = JSON.parse(k.key) as Json;
      if (k.usage === 'master') master[e2eeUserId(k.userId)] = key;
      else if (k.usage === 'self_signing') selfSigning[e2eeUserId(k.userId)] = key;
      // Another user's user-signing key is theirs alone.
      else if (k.usage === 'user_signing' && k.userId === auth.user.id) userSigning[e2eeUserId(k.userId)] = key;
    }
    return { device_keys: deviceKeys, failures: {}, master_keys: master, self_signing_keys: selfSigning, user_signing_keys: userSigning };
  }

  /** `keys/claim`: one one-time key per device asked for, each handed out once (the fallback key when none is left). */
  async claim(body: Json): Promise<Json> {
    onlyKeys(body, ['one_time_keys', 'timeout'], 'body');
    const wanted = object(body['one_time_keys'], 'one_time_keys');
    if (Object.keys(wanted).length > E2EE_QUERY_USERS_MAX) throw errors.validation('one_time_keys', `At most ${E2EE_QUERY_USERS_MAX} users per claim`);
    const out: Record<string, Record<string, Json>> = {};
    for (const [mxid, perDevice] of Object.entries(wanted)) {
      const userId = userIdOf(mxid, `one_time_keys.${mxid}`);
      for (const [deviceId, algorithm] of Object.entries(object(perDevice, `one_time_keys.${mxid}`))) {
        deviceIdOf(deviceId, `one_time_keys.${mxid}.${deviceId}`);
        const alg = string(algorithm, `one_time_keys.${mxid}.${deviceId}`, 60);
        const key = await this.claimOne(userId, deviceId, alg);
        if (!key) continue;
        (out[mxid] ??= {})[deviceId] = { [key.keyId]: JSON.parse(key.key) as unknown };
      }
    }
    return { one_time_keys: out, failures: {} };
  }

  private async claimOne(userId: string, deviceId: string, algorithm: string): Promise<E2eeOneTimeKeyEntity | null> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const candidate = await this.otks
        .createQueryBuilder('k')
        .where('k.userId = :userId AND k.deviceId = :deviceId AND k.keyId LIKE :prefix', { userId, deviceId, prefix: `${algorithm}:%` })
        .orderBy('k.fallback', 'ASC')
        .addOrderBy('k.id', 'ASC')
        .getOne();
      if (!candidate) return null;
      // A fallback key stays (it is reused until the device uploads a new one); a one-time key goes, and only
      // the request that deleted it hands it out: two claims at once never get the same key.
      if (candidate.fallback) return candidate;
      const deleted = await this.otks.delete({ id: candidate.id });
      if (deleted.affected) return candidate;
    }
    return null;
  }

  /** `keys/device_signing/upload`: the user's cross-signing public keys. Replacing a master key needs the password. */
  async uploadCrossSigning(auth: RequestAuth, body: Json): Promise<Json> {
    onlyKeys(body, ['master_key', 'self_signing_key', 'user_signing_key', 'auth'], 'body');
    const userId = auth.user.id;
    const existing = await this.crossSigning.find({ where: { userId } });
    const master = existing.find((k) => k.usage === 'master');
    const newMaster = optionalObject(body['master_key'], 'master_key');
    if (master && newMaster && signedPart(JSON.parse(master.key) as Json) !== signedPart(newMaster)) {
      const proof = optionalObject(body['auth'], 'auth');
      const password = proof?.['password'];
      if (proof?.['type'] !== 'm.login.password' || typeof password !== 'string') {
        throw errors.unauthenticated('Replacing your cross-signing keys needs your password (auth: {type: "m.login.password", password})');
      }
      if (!(await this.passwords.verify(await this.users.getPasswordHash(userId), password))) {
        throw errors.invalidCredentials('The password is not correct', 'auth.password');
      }
    }
    let changed = false;
    for (const [field, usage] of Object.entries(USAGES)) {
      const key = optionalObject(body[field], field);
      if (!key) continue;
      if (key['user_id'] !== e2eeUserId(userId)) throw errors.validation(`${field}.user_id`, `${field} must be a key of your own`);
      if (!Array.isArray(key['usage']) || !key['usage'].includes(usage)) throw errors.validation(`${field}.usage`, `${field}.usage must include "${usage}"`);
      object(key['keys'], `${field}.keys`);
      const json = capBytes(key, KEY_JSON_MAX_BYTES, field);
      await this.crossSigning.save({ userId, usage, key: json });
      changed = true;
    }
    if (changed) await this.devices.changed(userId);
    return {};
  }

  /** `keys/signatures/upload`: signatures of one's own devices and master key, or of another user's master key. */
  async uploadSignatures(auth: RequestAuth, body: Json): Promise<Json> {
    const failures: Record<string, Record<string, Json>> = {};
    const touched = new Set<string>();
    for (const [mxid, perKey] of Object.entries(body)) {
      const userId = userIdOf(mxid, mxid);
      for (const [keyId, signed] of Object.entries(object(perKey, mxid))) {
        const signedObject = object(signed, `${mxid}.${keyId}`);
        capBytes(signedObject, KEY_JSON_MAX_BYTES, `${mxid}.${keyId}`);
        const ok = await this.applySignature(auth.user.id, userId, keyId, signedObject);
        if (ok) touched.add(userId);
        else (failures[mxid] ??= {})[keyId] = { errcode: 'M_INVALID_SIGNATURE', error: 'No such key of this user, or not one you may sign' };
      }
    }
    for (const userId of touched) await this.devices.changed(userId);
    return { failures };
  }

  private async applySignature(signerId: string, userId: string, keyId: string, signed: Json): Promise<boolean> {
    // Only signatures made by the uploader's own keys are taken.
    const signatures = isObject(signed['signatures']) ? signed['signatures'] : {};
    const mine = isObject(signatures[e2eeUserId(signerId)]) ? { signatures: { [e2eeUserId(signerId)]: signatures[e2eeUserId(signerId)] } } : null;
    if (!mine) return false;
    if (userId === signerId) {
      const [device] = (await this.devices.withKeys([userId])).filter((d) => d.deviceId === keyId);
      if (device) {
        const current = JSON.parse(device.keys!) as Json;
        if (signedPart(current) !== signedPart(signed)) return false;
        await this.devices.setKeys(device, JSON.stringify(mergeSignatures(current, mine)));
        return true;
      }
    }
    // A master key: one's own, or another user's (signed with one's user-signing key).
    const master = await this.crossSigning.findOneBy({ userId, usage: 'master' });
    if (!master) return false;
    const current = JSON.parse(master.key) as Json;
    const keys = isObject(current['keys']) ? Object.values(current['keys']) : [];
    if (!keys.includes(keyId) || signedPart(current) !== signedPart(signed)) return false;
    await this.crossSigning.save({ userId, usage: 'master', key: JSON.stringify(mergeSignatures(current, mine)) });
    return true;
  }
}
