import { randomBytes } from 'node:crypto';
import { dataKey, DecryptionFailed, newDataKeyId, newKeyBytes } from './envelope';
import { HEADER_BYTES, openSegments, parseSegmentedHeader, SEGMENT_OVERHEAD, sealedLength, sealSegments, segmentRange } from './segmented';

const key = dataKey(newDataKeyId(), newKeyBytes());
const other = dataKey(newDataKeyId(), newKeyBytes());
const AAD = 'files.content:f1';
/** Small segments so that edges are cheap to reach; the format is the same at 64 KiB. */
const SEG = 16;

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of it) out.push(b);
  return Buffer.concat(out);
}

/** Feeds `bytes` in uneven chunks, as a socket would. */
function* chunked(bytes: Buffer, sizes = [1, 7, 33, 5]): Generator<Buffer> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

const seal = (plain: Buffer, k = key, aad = AAD) => collect(sealSegments(k, chunked(plain), aad, SEG));

async function open(stored: Buffer, range?: { start: number; end: number }, size?: number, aad = AAD, k = key): Promise<Buffer> {
  const h = parseSegmentedHeader(stored);
  if (!h) throw new Error('not sealed');
  if (!range) return collect(openSegments(k, h, chunked(stored.subarray(HEADER_BYTES)), aad));
  const r = segmentRange(size!, range, h.segmentBytes);
  return collect(openSegments(k, h, chunked(stored.subarray(r.stored.start, r.stored.end + 1)), aad, r));
}

describe('segmented file encryption (STREAM / Tink streaming AEAD layout)', () => {
  it.each([0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, 3 * SEG + 5])('round-trips %i bytes, at the length the format says', async (n) => {
    const plain = randomBytes(n);
    const stored = await seal(plain);
    expect(stored.length).toBe(sealedLength(n, SEG));
    expect(parseSegmentedHeader(stored)).toEqual({ keyId: key.id, segmentBytes: SEG });
    expect((await open(stored)).equals(plain)).toBe(true);
  });

  it('hides the plaintext and uses a fresh IV each time', async () => {
    const plain = Buffer.from('canary-canary-canary-canary-canary');
    const a = await seal(plain);
    const b = await seal(plain);
    expect(a.includes(Buffer.from('canary'))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('reads any range by decrypting only its segments, at and around segment edges', async () => {
    const size = 5 * SEG + 3;
    const plain = randomBytes(size);
    const stored = await seal(plain);
    const edges = [0, 1, SEG - 1, SEG, SEG + 1, 2 * SEG - 1, 4 * SEG, 5 * SEG - 1, 5 * SEG, size - 1];
    for (const start of edges) {
      for (const end of edges.filter((e) => e >= start)) {
        const got = await open(stored, { start, end }, size);
        expect(got.equals(plain.subarray(start, end + 1))).toBe(true);
      }
    }
    // A range inside one segment reads that segment only.
    const r = segmentRange(size, { start: SEG + 2, end: SEG + 5 }, SEG);
    expect(r.stored.end - r.stored.start + 1).toBe(SEG + SEGMENT_OVERHEAD);
  });

  it('refuses a flipped bit, a segment moved, a file cut short or extended, another file’s or key’s segments', async () => {
    const plain = randomBytes(3 * SEG);
    const stored = await seal(plain);
    const stride = SEG + SEGMENT_OVERHEAD;
    const seg = (s: Buffer, i: number) => s.subarray(HEADER_BYTES + i * stride, HEADER_BYTES + (i + 1) * stride);
    const header = stored.subarray(0, HEADER_BYTES);

    const flipped = Buffer.from(stored);
    flipped[HEADER_BYTES + stride + 20] ^= 1;
    await expect(open(flipped)).rejects.toThrow(DecryptionFailed);

    const swapped = Buffer.concat([header, seg(stored, 1), seg(stored, 0), seg(stored, 2)]);
    await expect(open(swapped)).rejects.toThrow(DecryptionFailed);

    // Cut after the second segment: it was not sealed as the last one.
    await expect(open(stored.subarray(0, HEADER_BYTES + 2 * stride))).rejects.toThrow(DecryptionFailed);
    await expect(open(stored.subarray(0, stored.length - 1))).rejects.toThrow(DecryptionFailed);
    await expect(open(header)).rejects.toThrow(DecryptionFailed);
    await expect(open(Buffer.concat([stored, seg(stored, 0)]))).rejects.toThrow(DecryptionFailed);

    // Another file's segment at the same place, and the whole file under another file's id.
    const another = await seal(randomBytes(3 * SEG), key, 'files.content:f2');
    await expect(open(Buffer.concat([header, seg(stored, 0), seg(another, 1), seg(stored, 2)]))).rejects.toThrow(DecryptionFailed);
    await expect(open(stored, undefined, undefined, 'files.content:f2')).rejects.toThrow(DecryptionFailed);
    await expect(open(stored, undefined, undefined, 'files.thumbnail:f1')).rejects.toThrow(DecryptionFailed);

    // The header names the key: another key, or a header edited to name it, does not open it.
    await expect(open(stored, undefined, undefined, AAD, other)).rejects.toThrow(DecryptionFailed);
    const renamed = Buffer.from(stored);
    Buffer.from(other.id, 'hex').copy(renamed, 8);
    await expect(open(renamed, undefined, undefined, AAD, other)).rejects.toThrow(DecryptionFailed);
  });

  it('refuses a range whose segments were moved or cut', async () => {
    const size = 4 * SEG;
    const stored = await seal(randomBytes(size));
    const h = parseSegmentedHeader(stored)!;
    const r = segmentRange(size, { start: SEG, end: 2 * SEG - 1 }, SEG);
    // The bytes of segment 2 read as if they were segment 1.
    const stride = SEG + SEGMENT_OVERHEAD;
    const wrong = stored.subarray(r.stored.start + stride, r.stored.end + 1 + stride);
    await expect(collect(openSegments(key, h, [wrong], AAD, r))).rejects.toThrow(DecryptionFailed);
    const cut = stored.subarray(r.stored.start, r.stored.end);
    await expect(collect(openSegments(key, h, [cut], AAD, r))).rejects.toThrow(DecryptionFailed);
  });

  it('tells plaintext from a sealed file by its header', () => {
    expect(parseSegmentedHeader(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBeNull();
    expect(parseSegmentedHeader(Buffer.from('PEF1'))).toBeNull();
  });
});
