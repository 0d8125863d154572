import type { OlmMachine, OutgoingRequest, ToDeviceRequest } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { CryptoWasm } from './crypto-wasm';
import type { E2eeApi } from './e2ee-api';

type AnyRequest = OutgoingRequest | ToDeviceRequest;

/**
 * Sends one request the crypto library asked for to the matching /api/e2ee endpoint and hands the answer
 * back to it (as matrix-js-sdk's OutgoingRequestProcessor does for a Matrix homeserver).
 */
export async function sendOutgoingRequest(wasm: CryptoWasm, machine: OlmMachine, api: E2eeApi, request: AnyRequest): Promise<void> {
  let answer: string;
  if (request instanceof wasm.KeysUploadRequest) answer = await api.send('POST', 'keys/upload', request.body);
  else if (request instanceof wasm.KeysQueryRequest) answer = await api.send('POST', 'keys/query', request.body);
  else if (request instanceof wasm.KeysClaimRequest) answer = await api.send('POST', 'keys/claim', request.body);
  else if (request instanceof wasm.SignatureUploadRequest) answer = await api.send('POST', 'keys/signatures/upload', request.body);
  else if (request instanceof wasm.KeysBackupRequest) answer = await api.send('PUT', 'room_keys/keys', request.body, { version: request.version });
  else if (request instanceof wasm.ToDeviceRequest) {
    answer = await api.send('PUT', `sendToDevice/${encodeURIComponent(request.event_type)}/${encodeURIComponent(request.txn_id)}`, request.body);
  } else {
    // Room messages (verification in a room) are not used: Parley verifies over to-device messages.
    return;
  }
  if (request.id) await machine.markRequestAsSent(request.id, request.type, answer);
}

/** Rounds of `sendAllOutgoing`: answers queue more requests rarely more than once in a row. */
const OUTGOING_ROUNDS = 3;

/**
 * Everything the library has queued (key uploads, key queries, to-device messages, backups), sent one after
 * another, then whatever the answers queued in turn. A `/keys/claim` answer opens Olm sessions, and the library
 * then answers the requests that waited for one (another of my devices asking for the backup key after a
 * verification): those answers must go now, not whenever something next reaches this device. Callers
 * serialise runs (see E2ee.processOutgoing).
 */
export async function sendAllOutgoing(wasm: CryptoWasm, machine: OlmMachine, api: E2eeApi): Promise<void> {
  for (let round = 0; round < OUTGOING_ROUNDS; round++) {
    const requests = await machine.outgoingRequests();
    if (requests.length === 0) return;
    for (const request of requests) await sendOutgoingRequest(wasm, machine, api, request as AnyRequest);
  }
}
