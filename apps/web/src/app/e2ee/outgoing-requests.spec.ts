import * as wasm from '@matrix-org/matrix-sdk-crypto-wasm';
import type { E2eeApi } from './e2ee-api';
import { sendAllOutgoing } from './outgoing-requests';

const USER = '@bo:parley';
const BACKUP_SECRET = 'm.megolm_backup.v1';

interface ToDevice {
  type: string;
  sender: string;
  content: unknown;
}

/**
 * The key endpoints of the server, for two devices of one user, in the shapes the crypto library sends and
 * expects: device keys, one-time keys claimed once each, to-device messages into each device's inbox.
 */
class KeyRelay {
  private readonly deviceKeys = new Map<string, unknown>();
  private readonly oneTimeKeys = new Map<string, Map<string, unknown>>();
  readonly inbox = new Map<string, ToDevice[]>();

  /** The API one device talks to (what E2eeApi.send does over HTTP). */
  api(deviceId: string): E2eeApi {
    return { send: async (_method: string, path: string, body: string) => JSON.stringify(this.answer(deviceId, path, JSON.parse(body))) } as unknown as E2eeApi;
  }

  private answer(deviceId: string, path: string, body: Record<string, unknown>): unknown {
    if (path === 'keys/upload') {
      const { device_keys, one_time_keys } = body as { device_keys?: unknown; one_time_keys?: Record<string, unknown> };
      if (device_keys) this.deviceKeys.set(deviceId, device_keys);
      const mine = this.oneTimeKeys.get(deviceId) ?? new Map<string, unknown>();
      for (const [id, key] of Object.entries(one_time_keys ?? {})) mine.set(id, key);
      this.oneTimeKeys.set(deviceId, mine);
      return { one_time_key_counts: { signed_curve25519: mine.size } };
    }
    if (path === 'keys/query') return { device_keys: { [USER]: Object.fromEntries(this.deviceKeys) }, failures: {} };
    if (path === 'keys/claim') {
      const wanted = (body as { one_time_keys: Record<string, Record<string, string>> }).one_time_keys[USER] ?? {};
      const claimed: Record<string, Record<string, unknown>> = {};
      for (const device of Object.keys(wanted)) {
        const [id, key] = [...(this.oneTimeKeys.get(device) ?? new Map<string, unknown>())][0] ?? [];
        if (!id) continue;
        this.oneTimeKeys.get(device)!.delete(id);
        claimed[device] = { [id]: key };
      }
      return { one_time_keys: { [USER]: claimed }, failures: {} };
    }
    const toDevice = /^sendToDevice\/([^/]+)\//.exec(path);
    if (toDevice) {
      const type = decodeURIComponent(toDevice[1]!);
      for (const [target, content] of Object.entries((body as { messages: Record<string, Record<string, unknown>> }).messages[USER] ?? {})) {
        const devices = target === '*' ? [...this.deviceKeys.keys()].filter((d) => d !== deviceId) : [target];
        for (const d of devices) this.inbox.set(d, [...(this.inbox.get(d) ?? []), { type, sender: USER, content }]);
      }
      return {};
    }
    throw new Error(`unexpected request ${path}`);
  }

  /** What E2ee.syncOnce does with one answer: the inbox into the library, then whatever it queued sent. */
  async sync(machine: wasm.OlmMachine, deviceId: string, changed: string[] = []): Promise<void> {
    const events = this.inbox.get(deviceId) ?? [];
    this.inbox.set(deviceId, []);
    const count = this.oneTimeKeys.get(deviceId)?.size ?? 0;
    await machine.receiveSyncChanges(JSON.stringify(events), new wasm.DeviceLists(changed.map((u) => new wasm.UserId(u)), []), new Map([['signed_curve25519', count]]), new Set());
    await sendAllOutgoing(wasm, machine, this.api(deviceId));
  }
}

describe('sendAllOutgoing (the crypto library\u2019s requests, sent)', () => {
  beforeAll(() => wasm.initAsync());

  it('sends in the same run what an answer queued: another of my devices gets the backup key without waiting for more traffic', async () => {
    const relay = new KeyRelay();
    const laptop = await wasm.OlmMachine.initialize(new wasm.UserId(USER), new wasm.DeviceId('LAPTOP'));
    const desk = await wasm.OlmMachine.initialize(new wasm.UserId(USER), new wasm.DeviceId('DESK'));
    try {
      // Both devices publish their keys and learn each other's; each has verified the other (as after a
      // comparison of emoji). They have never exchanged an encrypted message: no Olm session between them.
      await sendAllOutgoing(wasm, laptop, relay.api('LAPTOP'));
      await sendAllOutgoing(wasm, desk, relay.api('DESK'));
      await relay.sync(laptop, 'LAPTOP', [USER]);
      await relay.sync(desk, 'DESK', [USER]);
      for (const [machine, other] of [
        [laptop, 'DESK'],
        [desk, 'LAPTOP'],
      ] as const) {
        const device = await machine.getDevice(new wasm.UserId(USER), new wasm.DeviceId(other));
        expect(device).toBeDefined();
        await device!.setLocalTrust(wasm.LocalTrust.Verified);
      }
      const backupKey = wasm.BackupDecryptionKey.createRandomKey();
      await laptop.saveBackupDecryptionKey(backupKey, '1');

      // The desk asks its other devices for the secrets it lacks, the backup key among them.
      expect(await desk.requestMissingSecretsIfNeeded()).toBe(true);
      await sendAllOutgoing(wasm, desk, relay.api('DESK'));
      expect((relay.inbox.get('LAPTOP') ?? []).map((e) => e.type)).toContain('m.secret.request');

      // One sync of the laptop: it needs an Olm session to the desk first (a /keys/claim), and only the claim's
      // answer lets the library encrypt the secret. That answer must leave in this same run.
      await relay.sync(laptop, 'LAPTOP');
      expect((relay.inbox.get('DESK') ?? []).map((e) => e.type)).toContain('m.room.encrypted');

      await relay.sync(desk, 'DESK');
      expect(await desk.getSecretsFromInbox(BACKUP_SECRET)).toEqual(new Set([backupKey.toBase64()]));
    } finally {
      laptop.close();
      desk.close();
    }
  });

  it('stops after a few rounds when every answer queues another request', async () => {
    let asked = 0;
    const machine = {
      outgoingRequests: async () => {
        asked += 1;
        return [new wasm.KeysClaimRequest(`claim-${asked}`, JSON.stringify({ one_time_keys: {} }))];
      },
      markRequestAsSent: async () => true,
    } as unknown as wasm.OlmMachine;
    const api = { send: async () => JSON.stringify({ one_time_keys: {}, failures: {} }) } as unknown as E2eeApi;
    await sendAllOutgoing(wasm, machine, api);
    expect(asked).toBe(3);
  });
});
