/**
 * End-to-end encrypted rooms: the key traffic between devices.
 *
 * Clients run `@matrix-org/matrix-sdk-crypto-wasm` (vodozemac's Olm and Megolm, cross-signing, SAS, key
 * backup). Its `OlmMachine` produces requests whose bodies are in the shape of the Matrix client-server API
 * (v1.x, "End-to-end encryption" and "Server-side key backups"); Parley's endpoints under `/api/e2ee` take
 * those bodies as they are and answer in the shape the machine expects (`markRequestAsSent`). The server
 * never sees a private key, a room key or a plaintext body of an encrypted room: it stores and relays public
 * keys, one-time keys, to-device ciphertexts, opaque backups and message ciphertexts.
 *
 * Identifiers inside the key traffic are Matrix-shaped so the machine accepts them: a Parley user `<uuid>`
 * is `@<uuid>:parley`, a room `<uuid>` is `!<uuid>:parley`. Devices have their own ids (10 capital letters),
 * one per sign-in: every session (browser sign-in) or personal access token that registers becomes a device;
 * when the session ends the device is gone for everyone.
 */

/** The server name in Matrix-shaped user and room ids. */
export const E2EE_SERVER_NAME = 'parley';
/** Room messages: Megolm. */
export const MEGOLM_ALGORITHM = 'm.megolm.v1.aes-sha2';
/** To-device messages: Olm. */
export const OLM_ALGORITHM = 'm.olm.v1.curve25519-aes-sha2';
/** Server-side key backup: the only algorithm accepted. */
export const BACKUP_ALGORITHM = 'm.megolm_backup.v1.curve25519-aes-sha2';

/** Device ids: what the server hands out (10 capital letters) and what it accepts in requests. */
export const E2EE_DEVICE_ID_PATTERN = /^[A-Z]{10}$/;
export const E2EE_DEVICE_NAME_MAX_LENGTH = 100;
/** The most one-time keys (plus fallback keys) one `keys/upload` may carry. */
export const E2EE_ONE_TIME_KEYS_UPLOAD_MAX = 200;
/** The most users one `keys/query` or `keys/claim` may name. */
export const E2EE_QUERY_USERS_MAX = 1000;
/** The most recipient devices one `sendToDevice` may address (the wildcard `*` counts each device of the user). */
export const E2EE_TO_DEVICE_RECIPIENTS_MAX = 2000;
/** One to-device message's content, serialised as JSON, at most this many bytes. */
export const E2EE_TO_DEVICE_CONTENT_MAX_BYTES = 64 * 1024;
/** The most to-device events one `sync` answer holds; `hasMore`-style: ask again with `next_batch`. */
export const E2EE_SYNC_TO_DEVICE_MAX = 100;
/** A message's `encrypted.ciphertext` (base64), at most this many characters. */
export const E2EE_CIPHERTEXT_MAX_LENGTH = 48_000;
/** `PUT /api/e2ee/room_keys/keys`: at most this many sessions per request. */
export const E2EE_BACKUP_SESSIONS_PER_REQUEST_MAX = 1000;
/** Account data (`PUT /api/e2ee/account-data/:type`): at most this many bytes of JSON. */
export const E2EE_ACCOUNT_DATA_MAX_BYTES = 64 * 1024;
/** Account data types: lower-case words, dots and underscores (`parley.secret_storage` and the like). */
export const E2EE_ACCOUNT_DATA_TYPE_PATTERN = /^[a-z][a-z0-9._-]{0,99}$/;

/** `@<uuid>:parley` */
export function e2eeUserId(userId: string): string {
  return `@${userId}:${E2EE_SERVER_NAME}`;
}

/** The Parley user id in `@<id>:parley`, or null when it is not one. */
export function parleyUserId(e2eeId: string): string | null {
  const match = /^@([0-9a-f-]{36}):parley$/.exec(e2eeId);
  return match ? match[1] : null;
}

/** `!<uuid>:parley` */
export function e2eeRoomId(roomId: string): string {
  return `!${roomId}:${E2EE_SERVER_NAME}`;
}

/** The Parley room id in `!<id>:parley`, or null when it is not one. */
export function parleyRoomId(e2eeId: string): string | null {
  const match = /^!([0-9a-f-]{36}):parley$/.exec(e2eeId);
  return match ? match[1] : null;
}

/**
 * `POST /api/e2ee/device`: this sign-in as a device (created on the first call, the same one after).
 * Body: `{ displayName? }` (a name the owner sees in their device list, e.g. "Firefox on Linux").
 */
export interface E2eeDevice {
  /** `@<uuid>:parley`: pass it to `new UserId(...)`. */
  userId: string;
  deviceId: string;
  displayName: string;
  createdAt: string;
  lastSeenAt: string;
  /** True in `GET /api/e2ee/devices` for the device making the request. */
  current: boolean;
  /** Whether the device has uploaded its identity keys (a sign-in that never opened an encrypted room has not). */
  hasKeys: boolean;
}

export interface RegisterDeviceRequest {
  displayName?: string;
}

/** `GET /api/e2ee/devices`: my devices, newest first. */
export interface E2eeDeviceList {
  devices: E2eeDevice[];
}

/** `PATCH /api/e2ee/devices/:deviceId`. */
export interface RenameDeviceRequest {
  displayName: string;
}

/*
 * Key endpoints, all `POST` with Matrix-shaped JSON bodies (the OlmMachine's `request.body` as it is) and
 * Matrix-shaped answers (passed to `markRequestAsSent`):
 *
 *   POST /api/e2ee/keys/upload                 {device_keys?, one_time_keys?, fallback_keys?}
 *                                              → {one_time_key_counts}
 *        The device keys must name the caller's own user and device; once uploaded they cannot change (400).
 *   POST /api/e2ee/keys/query                  {device_keys: {userId: [deviceId] | []}}
 *                                              → {device_keys, failures, master_keys, self_signing_keys, user_signing_keys}
 *        Anyone signed in may ask about anyone's public keys (`user_signing_keys` only for oneself).
 *   POST /api/e2ee/keys/claim                  {one_time_keys: {userId: {deviceId: algorithm}}}
 *                                              → {one_time_keys: {userId: {deviceId: {keyId: key}}}, failures}
 *        Each one-time key is handed out once; the fallback key when none is left.
 *   POST /api/e2ee/keys/signatures/upload      {userId: {keyId: signedKeyObject}} → {failures}
 *        Signatures of one's own devices and master key, or (with one's user-signing key) of another's master key.
 *   POST /api/e2ee/keys/device_signing/upload  {master_key?, self_signing_key?, user_signing_key?, auth?}
 *                                              → {}
 *        The first upload needs only the session; replacing an existing master key needs
 *        `auth: {type: 'm.login.password', password}` (401 without it).
 *   PUT  /api/e2ee/sendToDevice/:eventType/:txnId   {messages: {userId: {deviceId | '*': content}}} → {}
 *        Idempotent per (device, txnId). Recipients' devices get it on their next `sync`.
 *   GET  /api/e2ee/sync?since=<next_batch>     → E2eeSyncResponse (see below)
 *
 * Server-side key backup (Matrix "room_keys"; the server sees only opaque, encrypted session data):
 *   POST   /api/e2ee/room_keys/version                    {algorithm, auth_data} → {version}
 *   GET    /api/e2ee/room_keys/version                    → {algorithm, auth_data, version, count, etag} (404: none)
 *   PUT    /api/e2ee/room_keys/version/:version           {algorithm, auth_data} → {}
 *   DELETE /api/e2ee/room_keys/version/:version           → {}
 *   PUT    /api/e2ee/room_keys/keys?version=<v>           {rooms: {roomId: {sessions: {sessionId: KeyBackupData}}}}
 *                                                         → {count, etag} (409 when <v> is not the current version)
 *   GET    /api/e2ee/room_keys/keys?version=<v>           → {rooms: ...}
 *
 * Account data: small opaque JSON documents a user's devices share (the encrypted cross-signing and backup
 * secrets of secret storage):
 *   GET /api/e2ee/account-data/:type → {content} (404: none);  PUT /api/e2ee/account-data/:type {content} → {}
 *
 * Devices:
 *   POST   /api/e2ee/device                 RegisterDeviceRequest → E2eeDevice
 *   GET    /api/e2ee/devices                → E2eeDeviceList
 *   PATCH  /api/e2ee/devices/:deviceId      RenameDeviceRequest → E2eeDevice
 *   DELETE /api/e2ee/devices/:deviceId      → 204: signs that device out (its session ends, its keys go).
 */

/** One to-device event as `sync` delivers it (`sender` is Matrix-shaped). */
export interface ToDeviceEvent {
  type: string;
  sender: string;
  content: Record<string, unknown>;
}

/**
 * `GET /api/e2ee/sync?since=<next_batch>`: what changed for this device since the token (no token: from the
 * start). Pass `to_device.events`, `device_lists`, `device_one_time_keys_count` and
 * `device_unused_fallback_key_types` to `OlmMachine.receiveSyncChanges`, then ask again with `next_batch`:
 * asking with it acknowledges the events before it, which the server then deletes. More are waiting when
 * `to_device.events` is full (E2EE_SYNC_TO_DEVICE_MAX).
 */
export interface E2eeSyncResponse {
  next_batch: string;
  to_device: { events: ToDeviceEvent[] };
  /**
   * `changed`: users whose devices or cross-signing keys changed and who share a room with me (or are me),
   * and users who started sharing an encrypted room with me; `left`: users I no longer share any room with.
   */
  device_lists: { changed: string[]; left: string[] };
  device_one_time_keys_count: Record<string, number>;
  device_unused_fallback_key_types: string[];
}

/**
 * A message's `encrypted` field in an end-to-end encrypted room: the Megolm `m.room.encrypted` content the
 * OlmMachine's `encryptRoomEvent` returns, renamed. The plaintext it holds is `{type: 'm.room.message',
 * content: EncryptedMessageContent, room_id}`.
 */
export interface EncryptedContent {
  /** Always `m.megolm.v1.aes-sha2`. */
  algorithm: string;
  /** Unpadded base64, at most E2EE_CIPHERTEXT_MAX_LENGTH characters. */
  ciphertext: string;
  /** The sender device's Curve25519 key (Megolm v1's `sender_key`), unpadded base64. */
  senderKey: string;
  senderDeviceId: string;
  sessionId: string;
}

/**
 * The Matrix `EncryptedFile` of an attachment encrypted in the browser (`Attachment.encrypt`'s
 * `mediaEncryptionInfo`): AES-CTR key (JWK), IV and the SHA-256 of the ciphertext.
 */
export interface EncryptedFileKey {
  v: string;
  key: { kty: 'oct'; alg: 'A256CTR'; k: string; key_ops: string[]; ext: boolean };
  iv: string;
  hashes: { sha256: string };
}

/**
 * A file in an encrypted message, as the decrypted content describes it. The server stored only ciphertext
 * (`id`, `size`); the name, type, dimensions and the key travel here.
 */
export interface EncryptedAttachment {
  /** The uploaded ciphertext: `GET /api/files/:id/content`. */
  id: string;
  name: string;
  /** The plaintext size in bytes. */
  size: number;
  mime: string;
  width: number | null;
  height: number | null;
  file: EncryptedFileKey;
  /** A thumbnail made in the browser and uploaded encrypted (WebP or JPEG), when the file is a picture or video. */
  thumbnail: { id: string; width: number; height: number; mime: string; file: EncryptedFileKey } | null;
}

/** What an encrypted message's ciphertext holds once decrypted. */
export interface EncryptedMessageContent {
  body: string;
  attachments: EncryptedAttachment[];
  /** Set on a reply: the quoted message's text, so the quote does not need the server. */
  replyPreview?: string;
}

/** The event type of encrypted message contents inside Megolm. */
export const E2EE_MESSAGE_EVENT_TYPE = 'm.room.message';
