import { E2EE_DEVICE_ID_PATTERN, parleyUserId } from '@parley/contracts';
import { errors } from '../common/errors';

/**
 * The key endpoints take Matrix-shaped bodies (maps keyed by user and device ids), which DTO classes cannot
 * describe: they are checked here, field by field, with the same error shape as every other 400.
 */
export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function object(v: unknown, field: string): Json {
  if (!isObject(v)) throw errors.validation(field, `${field} must be an object`);
  return v;
}

export function optionalObject(v: unknown, field: string): Json | undefined {
  return v === undefined ? undefined : object(v, field);
}

export function string(v: unknown, field: string, max = 1000): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw errors.validation(field, `${field} must be text of 1 to ${max} characters`);
  return v;
}

/** Only these keys. */
export function onlyKeys(o: Json, allowed: readonly string[], field: string): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length) throw errors.validation(`${field}.${extra[0]}`, `${field}.${extra[0]} is not allowed`);
}

/** A Matrix-shaped user id of a Parley user: the Parley id. */
export function userIdOf(mxid: string, field: string): string {
  const id = parleyUserId(mxid);
  if (!id) throw errors.validation(field, `${field} must be a user id of this server (@<uuid>:parley)`);
  return id;
}

export function deviceIdOf(v: string, field: string): string {
  if (!E2EE_DEVICE_ID_PATTERN.test(v)) throw errors.validation(field, `${field} must be a device id (10 capital letters)`);
  return v;
}

/** The size of a JSON value as sent, in bytes. */
export function jsonBytes(v: unknown): number {
  return Buffer.byteLength(JSON.stringify(v));
}

export function capBytes(v: unknown, max: number, field: string): string {
  const json = JSON.stringify(v);
  if (Buffer.byteLength(json) > max) throw errors.payloadTooLarge(`${field} must be at most ${max} bytes of JSON`);
  return json;
}

/** Merges `signatures` of `extra` into `target` (both signed JSON objects), returning the merged copy. */
export function mergeSignatures(target: Json, extra: Json): Json {
  const mine = isObject(target['signatures']) ? target['signatures'] : {};
  const theirs = isObject(extra['signatures']) ? extra['signatures'] : {};
  const merged: Json = { ...mine };
  for (const [signer, sigs] of Object.entries(theirs)) {
    if (!isObject(sigs)) continue;
    merged[signer] = { ...(isObject(mine[signer]) ? mine[signer] : {}), ...sigs };
  }
  return { ...target, signatures: merged };
}

/** The object without its `signatures` and `unsigned` (what a signature covers), for comparing two uploads. */
export function signedPart(o: Json): string {
  const rest: Json = { ...o };
  delete rest['signatures'];
  delete rest['unsigned'];
  return JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]));
}
