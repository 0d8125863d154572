import { SocketErrorCode, SYNC_ROOMS_MAX, SyncPayload } from '@parley/contracts';
import { isUUID } from 'class-validator';
import { assertPayloadObject, SocketPayloadError } from './socket-errors';

const fail = (field: string, message: string) =>
  new SocketPayloadError({ code: SocketErrorCode.ValidationFailed, message, details: [{ field, message }] });

function cursorMap(value: unknown, field: string, required: boolean): Record<string, number> | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail(field, `${field} must be an object of room id → number`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > SYNC_ROOMS_MAX) throw fail(field, `${field} may list at most ${SYNC_ROOMS_MAX} rooms`);
  const out: Record<string, number> = {};
  for (const [roomId, n] of entries) {
    if (!isUUID(roomId)) throw fail(`${field}.${roomId.slice(0, 40)}`, `${field} keys must be room ids (UUIDs)`);
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw fail(`${field}.${roomId}`, `${field} values must be whole numbers ≥ 0`);
    out[roomId] = n;
  }
  return out;
}

/** `sync` carries maps keyed by room id, which DTO classes cannot describe; checked here with the same rigour. */
export function parseSyncPayload(payload: unknown): Required<Pick<SyncPayload, 'since'>> & Pick<SyncPayload, 'revs'> {
  assertPayloadObject(payload);
  const unknown = Object.keys(payload).filter((k) => k !== 'since' && k !== 'revs');
  if (unknown.length) throw fail(unknown[0], `${unknown[0]} is not a known field`);
  const p = payload as Record<string, unknown>;
  return { since: cursorMap(p['since'], 'since', true)!, revs: cursorMap(p['revs'], 'revs', false) };
}
