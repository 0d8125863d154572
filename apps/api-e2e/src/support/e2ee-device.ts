import * as wasm from '@matrix-org/matrix-sdk-crypto-wasm';
import { E2EE_MESSAGE_EVENT_TYPE, E2eeDevice, E2eeSyncResponse, EncryptedContent, EncryptedMessageContent, e2eeRoomId, e2eeUserId } from '@parley/contracts';
import request from 'supertest';
import { bearer, Signed, signIn } from './factories';

/**
 * A real device for end-to-end tests: the same crypto library the browser runs (its Node build), with its
 * key traffic sent to the server under test exactly as the web app does (apps/web/src/app/e2ee/outgoing-requests.ts).
 */
export class TestDevice {
  /** Every to-device event this device received, in order (what the protocol-level checks look at). */
  readonly received: E2eeSyncResponse['to_device']['events'] = [];
  private since: string | null = null;

  private constructor(
    readonly url: string,
    readonly who: Signed,
    readonly device: E2eeDevice,
    readonly machine: wasm.OlmMachine,
  ) {}

  /** Signs `who` in again (a new session: a new browser) unless `who` is to be this device, registers it, uploads its keys. */
  static async start(url: string, who: Signed): Promise<TestDevice> {
    await wasm.initAsync();
    const res = await request(url).post('/api/e2ee/device').set(bearer(who)).send({ displayName: 'Test device' });
    if (res.status !== 200) throw new Error(`device registration failed: ${res.status} ${JSON.stringify(res.body)}`);
    const device = res.body as E2eeDevice;
    const machine = await wasm.OlmMachine.initialize(new wasm.UserId(device.userId), new wasm.DeviceId(device.deviceId));
    const d = new TestDevice(url, who, device, machine);
    await d.flush();
    await d.sync();
    return d;
  }

  get deviceId(): string {
    return this.device.deviceId;
  }

  private async call(method: 'POST' | 'PUT', path: string, body: string, query?: Record<string, string>): Promise<string> {
    const r = request(this.url)[method === 'POST' ? 'post' : 'put'](`/api/e2ee/${path}`).query(query ?? {}).set(bearer(this.who)).set('Content-Type', 'application/json');
    const res = await r.send(body);
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${res.text}`);
    return res.text;
  }

  async send(req: wasm.OutgoingRequest | wasm.ToDeviceRequest): Promise<void> {
    let answer: string;
    if (req instanceof wasm.KeysUploadRequest) answer = await this.call('POST', 'keys/upload', req.body);
    else if (req instanceof wasm.KeysQueryRequest) answer = await this.call('POST', 'keys/query', req.body);
    else if (req instanceof wasm.KeysClaimRequest) answer = await this.call('POST', 'keys/claim', req.body);
    else if (req instanceof wasm.SignatureUploadRequest) answer = await this.call('POST', 'keys/signatures/upload', req.body);
    else if (req instanceof wasm.KeysBackupRequest) answer = await this.call('PUT', 'room_keys/keys', req.body, { version: req.version });
    else if (req instanceof wasm.ToDeviceRequest) answer = await this.call('PUT', `sendToDevice/${encodeURIComponent(req.event_type)}/${encodeURIComponent(req.txn_id)}`, req.body);
    else return;
    if (req.id) await this.machine.markRequestAsSent(req.id, req.type, answer);
  }

  /** Sends everything the library queued. */
  async flush(): Promise<void> {
    for (let round = 0; round < 5; round++) {
      const requests = await this.machine.outgoingRequests();
      if (requests.length === 0) return;
      for (const r of requests) await this.send(r as wasm.OutgoingRequest);
    }
  }

  /** One sync: the inbox and device-list changes into the library. */
  async sync(): Promise<E2eeSyncResponse> {
    const res = await request(this.url).get('/api/e2ee/sync').query(this.since ? { since: this.since } : {}).set(bearer(this.who));
    if (res.status !== 200) throw new Error(`sync failed: ${res.status} ${res.text}`);
    const answer = res.body as E2eeSyncResponse;
    this.received.push(...answer.to_device.events);
    await this.machine.receiveSyncChanges(
      JSON.stringify(answer.to_device.events),
      new wasm.DeviceLists(answer.device_lists.changed.map((id) => new wasm.UserId(id)), answer.device_lists.left.map((id) => new wasm.UserId(id))),
      new Map(Object.entries(answer.device_one_time_keys_count)),
      new Set(answer.device_unused_fallback_key_types),
    );
    this.since = answer.next_batch;
    await this.flush();
    return answer;
  }

  /** Encrypts for the given members the way the web app does (track, query, claim, share, encrypt). */
  async encrypt(roomId: string, memberIds: string[], content: EncryptedMessageContent): Promise<EncryptedContent> {
    const users = () => memberIds.map((id) => new wasm.UserId(e2eeUserId(id)));
    const room = new wasm.RoomId(e2eeRoomId(roomId));
    await this.machine.updateTrackedUsers(users());
    await this.flush();
    const claim = await this.machine.getMissingSessions(users());
    if (claim) await this.send(claim);
    const settings = new wasm.EncryptionSettings();
    settings.sharingStrategy = wasm.CollectStrategy.deviceBasedStrategy(false, false);
    settings.historyVisibility = wasm.HistoryVisibility.Joined;
    for (const r of await this.machine.shareRoomKey(room, users(), settings)) await this.send(r);
    const e = JSON.parse(await this.machine.encryptRoomEvent(room, E2EE_MESSAGE_EVENT_TYPE, JSON.stringify(content))) as Record<string, string>;
    return { algorithm: e['algorithm']!, ciphertext: e['ciphertext']!, senderKey: e['sender_key']!, senderDeviceId: e['device_id']!, sessionId: e['session_id']! };
  }

  /** Decrypts a message's ciphertext: its content, or the library's error. */
  async decrypt(roomId: string, senderId: string, messageId: string, encrypted: EncryptedContent): Promise<EncryptedMessageContent> {
    const event = {
      type: 'm.room.encrypted',
      event_id: `$${messageId}`,
      sender: e2eeUserId(senderId),
      origin_server_ts: Date.now(),
      room_id: e2eeRoomId(roomId),
      content: { algorithm: encrypted.algorithm, ciphertext: encrypted.ciphertext, sender_key: encrypted.senderKey, device_id: encrypted.senderDeviceId, session_id: encrypted.sessionId },
    };
    let out: wasm.DecryptedRoomEvent;
    try {
      out = await this.machine.decryptRoomEvent(JSON.stringify(event), new wasm.RoomId(e2eeRoomId(roomId)), new wasm.DecryptionSettings(wasm.TrustRequirement.Untrusted));
    } catch (err) {
      // The library's error, in words (its objects print as a pointer).
      throw new Error(err instanceof wasm.MegolmDecryptionError ? `cannot decrypt (code ${err.code}): ${err.description}` : String(err));
    }
    return (JSON.parse(out.event) as { content: EncryptedMessageContent }).content;
  }

  close(): void {
    this.machine.close();
  }
}

/**
 * The devices a suite starts, each a new sign-in of a user (as a new browser would be), registered with its
 * keys uploaded; `closeAll` stops them at the end.
 */
export function deviceFleet(url: () => string) {
  const devices: TestDevice[] = [];
  return {
    async device(who: Signed): Promise<TestDevice> {
      const d = await TestDevice.start(url(), await signIn(url(), who.user.username, who.password));
      devices.push(d);
      return d;
    },
    closeAll(): void {
      for (const d of devices.splice(0)) d.close();
    },
  };
}
