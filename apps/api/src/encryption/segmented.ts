import { DataKey, DecryptionFailed, decrypt, encrypt } from './envelope';

/**
 * Streaming encryption of files (contents and thumbnails), the layout of Tink's AES-GCM streaming AEAD and of
 * the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár, "Online authenticated-encryption and its
 * nonce-reuse misuse-resistance", 2015), built on node:crypto's AES-256-GCM alone:
 *
 *   header  = "PEF1" | segment size (uint32 BE) | data key id (8 bytes)                     16 bytes
 *   segment = iv (12, random) | AES-256-GCM(plaintext segment) | tag (16)                  SEGMENT + 28 bytes
 *
 * The plaintext is cut into fixed-size segments (64 KiB; the last one shorter, possibly empty), each sealed on
 * its own with a fresh IV and additional data naming the format, the segment size, the data key, what the file
 * is (`files.content:<file id>`), the segment's index and whether it is the last one. So a segment cannot be
 * moved to another place, another file or another key, the file cannot be cut short (the new last segment
 * was not sealed as last) or extended, and a range of the plaintext is read by decrypting only the segments
 * it covers. Nothing holds more than two segments in memory.
 */

export const SEGMENT_BYTES = 64 * 1024;
const MAGIC = Buffer.from('PEF1', 'latin1');
const KEY_ID_BYTES = 8;
export const HEADER_BYTES = MAGIC.length + 4 + KEY_ID_BYTES;
/** What sealing adds to each segment: the IV and GCM's tag. */
export const SEGMENT_OVERHEAD = 12 + 16;

export interface SegmentedHeader {
  keyId: string;
  segmentBytes: number;
}

const segmentAad = (h: SegmentedHeader, aad: string, index: number, last: boolean) =>
  Buffer.from(`PEF1.${h.segmentBytes}.${h.keyId}|${aad}|${index}|${last ? 1 : 0}`, 'utf8');

function header(keyId: string, segmentBytes: number): Buffer {
  const out = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(out, 0);
  out.writeUInt32BE(segmentBytes, MAGIC.length);
  Buffer.from(keyId, 'hex').copy(out, MAGIC.length + 4);
  return out;
}

/** The header of stored bytes that are segmented ciphertext, or null (plaintext, such as a WebP picture: `RIFF…`). */
export function parseSegmentedHeader(stored: Buffer): SegmentedHeader | null {
  if (stored.length < HEADER_BYTES || !stored.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const segmentBytes = stored.readUInt32BE(MAGIC.length);
  if (segmentBytes === 0 || segmentBytes > 16 * 1024 * 1024) return null;
  return { segmentBytes, keyId: stored.subarray(MAGIC.length + 4, HEADER_BYTES).toString('hex') };
}

/** How many segments a plaintext of `size` bytes takes (an empty one takes one, empty and last). */
export function segmentCount(size: number, segmentBytes = SEGMENT_BYTES): number {
  return Math.max(1, Math.ceil(size / segmentBytes));
}

/** The stored length of a plaintext of `size` bytes. */
export function sealedLength(size: number, segmentBytes = SEGMENT_BYTES): number {
  return HEADER_BYTES + size + segmentCount(size, segmentBytes) * SEGMENT_OVERHEAD;
}

/** Reads `source` in buffers of exactly `n` bytes (the last one shorter); answers null at the end. */
async function* exact(source: AsyncIterable<Buffer | string> | Iterable<Buffer>, n: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const raw of source) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    while (length + chunk.length >= n) {
      const need = n - length;
      pending.push(chunk.subarray(0, need));
      yield pending.length === 1 ? pending[0] : Buffer.concat(pending, n);
      pending = [];
      length = 0;
      chunk = chunk.subarray(need);
    }
    if (chunk.length) {
      pending.push(chunk);
      length += chunk.length;
    }
  }
  if (length) yield Buffer.concat(pending, length);
}

/**
 * The sealed form of `plaintext` (a stream of any length), bound to `aad`: the header, then each segment as
 * soon as the next one has begun (so the last is known to be the last).
 */
export async function* sealSegments(key: DataKey, plaintext: AsyncIterable<Buffer | string> | Iterable<Buffer>, aad: string, segmentBytes = SEGMENT_BYTES): AsyncGenerator<Buffer> {
  const h: SegmentedHeader = { keyId: key.id, segmentBytes };
  yield header(key.id, segmentBytes);
  let held: Buffer | null = null;
  let index = 0;
  for await (const piece of exact(plaintext, segmentBytes)) {
    if (held) yield encrypt(key.key, held, segmentAad(h, aad, index++, false));
    held = piece;
  }
  yield encrypt(key.key, held ?? Buffer.alloc(0), segmentAad(h, aad, index, true));
}

/** Which stored bytes hold plaintext bytes `start`..`end` (inclusive) of a file of `size` bytes, and what to keep of them. */
export interface SegmentRange {
  /** Stored byte range to read (inclusive), header excluded. */
  stored: { start: number; end: number };
  firstIndex: number;
  /** Whether the range reaches the file's last segment. */
  endsWithLast: boolean;
  /** Plaintext bytes to drop from the first segment read, and how many to give in all. */
  skip: number;
  length: number;
}

export function segmentRange(size: number, range: { start: number; end: number } | undefined, segmentBytes: number): SegmentRange {
  const count = segmentCount(size, segmentBytes);
  const start = range?.start ?? 0;
  const end = range ? range.end : Math.max(0, size - 1);
  const firstIndex = Math.floor(start / segmentBytes);
  const lastIndex = size === 0 ? 0 : Math.min(count - 1, Math.floor(end / segmentBytes));
  const stride = segmentBytes + SEGMENT_OVERHEAD;
  const lastLength = lastIndex === count - 1 ? size - lastIndex * segmentBytes : segmentBytes;
  return {
    stored: { start: HEADER_BYTES + firstIndex * stride, end: HEADER_BYTES + lastIndex * stride + lastLength + SEGMENT_OVERHEAD - 1 },
    firstIndex,
    endsWithLast: lastIndex === count - 1,
    skip: start - firstIndex * segmentBytes,
    length: size === 0 ? 0 : end - start + 1,
  };
}

export interface OpenOptions {
  /** The index of the first segment in `stored` (0 for a whole file). */
  firstIndex?: number;
  /** Whether `stored` ends with the file's last segment (true for a whole file). */
  endsWithLast?: boolean;
  /** Plaintext bytes to drop at the start, and the most to give (a byte range). */
  skip?: number;
  length?: number;
}

/**
 * The plaintext of sealed segments (`stored`: segments only, the header already read), checking each one's
 * place: its index, and that the stream ends exactly where its last segment was sealed as last. Throws
 * DecryptionFailed on any change, before giving a byte of the segment concerned.
 */
export async function* openSegments(
  key: DataKey,
  h: SegmentedHeader,
  stored: AsyncIterable<Buffer | string> | Iterable<Buffer>,
  aad: string,
  options: OpenOptions = {},
): AsyncGenerator<Buffer> {
  if (key.id !== h.keyId) throw new DecryptionFailed('Not a ciphertext of this data key');
  const endsWithLast = options.endsWithLast ?? true;
  let index = options.firstIndex ?? 0;
  let skip = options.skip ?? 0;
  let left = options.length ?? Number.POSITIVE_INFINITY;
  const stride = h.segmentBytes + SEGMENT_OVERHEAD;
  let held: Buffer | null = null;
  const give = function* (plain: Buffer): Generator<Buffer> {
    let out = plain;
    if (skip) {
      const dropped = Math.min(skip, out.length);
      out = out.subarray(dropped);
      skip -= dropped;
    }
    if (out.length > left) out = out.subarray(0, left);
    left -= out.length;
    if (out.length) yield out;
  };
  for await (const piece of exact(stored, stride)) {
    if (held) {
      if (held.length !== stride) throw new DecryptionFailed('A segment is cut short');
      yield* give(decrypt(key.key, held, segmentAad(h, aad, index++, false)));
    }
    held = piece;
  }
  if (!held) throw new DecryptionFailed('The ciphertext has no segments');
  if (held.length < SEGMENT_OVERHEAD || held.length > stride) throw new DecryptionFailed('The last segment has a wrong length');
  // A whole file must end with the segment sealed as last; a range ending before it with a full one.
  if (!endsWithLast && held.length !== stride) throw new DecryptionFailed('A segment is cut short');
  yield* give(decrypt(key.key, held, segmentAad(h, aad, index, endsWithLast)));
}

/** Sealed segments of a whole file (header included) in one buffer: for thumbnails, which are small. */
export async function sealBuffer(key: DataKey, plaintext: Buffer, aad: string): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of sealSegments(key, [plaintext], aad)) out.push(b);
  return Buffer.concat(out);
}
