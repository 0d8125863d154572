import { createHash, createHmac } from 'node:crypto';
import { normalise, searchablePlainText, textGrams } from '@parley/contracts';
import type { KeyRing } from '../encryption/key-ring';

/** The key period of an index built while no data key exists (encryption at rest off from the start). */
export const NO_KEY_PERIOD = 'none';

/** A message's place in the index: its room's ordinal in the high part, its seq (< 2^31) in the low part. */
export const SEQ_SPAN = 2 ** 31;
/** Room ordinals stay below this, so every message ordinal is an exact JavaScript number (< 2^53). */
export const ROOM_ORD_LIMIT = 2 ** 22;
export const messageOrd = (roomOrd: number, seq: number) => roomOrd * SEQ_SPAN + seq;
export const seqOfOrd = (ord: number) => ord % SEQ_SPAN;

const CACHE_MAX = 200_000;

/** A key period's token function: HMAC-SHA256 of a gram under `key`, the first 8 bytes as a signed 64-bit integer. */
export function tokenFunction(key: Buffer, cache = new Map<string, bigint>()): (gram: string) => bigint {
  return (gram) => {
    let token = cache.get(gram);
    if (token === undefined) {
      token = createHmac('sha256', key).update(gram).digest().readBigInt64BE(0);
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(gram, token);
    }
    return token;
  };
}

/** What the index keeps of a message: its text as stored (rich text) and its files' names. */
export interface MessageText {
  body: string;
  names: string[];
}

/**
 * A message's tokens, sorted: the grams of its text with formatting removed and of each of its files' names
 * (grams never span two of them), each turned into a token.
 */
export function messageTokens(m: MessageText, token: (gram: string) => bigint): bigint[] {
  const grams = textGrams(normalise(searchablePlainText(m.body)));
  for (const name of m.names) textGrams(normalise(name), grams);
  // A typed array sorts 64-bit integers natively, several times faster than a comparator over bigints.
  const sorted = new BigInt64Array(grams.size);
  let i = 0;
  for (const gram of grams) sorted[i++] = token(gram);
  return Array.from(sorted.sort());
}

/** One message's entry in a batch: its text, or null to take it out of the index (deleted, a system line). */
export interface DocText {
  ord: number;
  text: MessageText | null;
}

/** One message's entry as written: its tokens, or null to take it out. */
export interface DocChange {
  ord: number;
  tokens: bigint[] | null;
}

/** A batch's entries with their tokens. */
export function docChanges(docs: DocText[], token: (gram: string) => bigint): DocChange[] {
  return docs.map((d) => ({ ord: d.ord, tokens: d.text ? messageTokens(d.text, token) : null }));
}

/**
 * The index's tokens: HMAC-SHA256 of a normalised gram under the key period's index key (HKDF from that
 * period's data key), the first 8 bytes read as a signed 64-bit integer. Words repeat, so each period
 * keeps a bounded cache of the grams it has keyed (in this process's memory only, like the keys).
 */
export class SearchTokens {
  private readonly periods = new Map<string, { key: Buffer; token: (gram: string) => bigint }>();

  constructor(private readonly keys: KeyRing) {}

  /** As `of`, after re-reading the data keys when the period's key is new to this process (another process's rotation). */
  ofAny(keyId: string): Promise<(gram: string) => bigint> {
    return this.keys.reading(() => this.of(keyId));
  }

  /** The token function of a key period (named by its data key's id). Throws UnknownDataKey for a key this process lacks. */
  of(keyId: string): (gram: string) => bigint {
    return this.period(keyId).token;
  }

  /** The index key of a key period, re-reading the data keys when it is new to this process. */
  keyOf(keyId: string): Promise<Buffer> {
    return this.keys.reading(() => this.period(keyId).key);
  }

  private period(keyId: string): { key: Buffer; token: (gram: string) => bigint } {
    let period = this.periods.get(keyId);
    if (!period) {
      const key = keyId === NO_KEY_PERIOD ? createHash('sha256').update('parley search index without a data key').digest() : this.keys.derivedKey(keyId, 'search index');
      period = { key, token: tokenFunction(key) };
      this.periods.set(keyId, period);
    }
    return period;
  }
}
