import { AVATAR_ACCEPTED_TYPES, AVATAR_SIZE_PX } from '@parley/contracts';
import sharp, { type Metadata } from 'sharp';
// Types only: the package's export map is invisible to this project's (node10) module resolution.
import type * as FileType from 'file-type/index.js';

/** Why an upload was refused, in words for the user. The caller turns it into a 400. */
export class AvatarRejected extends Error {}

type AcceptedType = (typeof AVATAR_ACCEPTED_TYPES)[number];
/** What sharp calls each accepted type: the decoder must agree with the sniffed bytes. */
const SHARP_FORMAT: Record<AcceptedType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const FILE_TYPE = 'file-type';
let fileTypeModule: Promise<typeof FileType> | undefined;
/**
 * file-type is ESM-only. The dynamic import compiles (to CommonJS) into `require()`, which Node 20.19+ runs on
 * an ES module, and which Jest runs too (it transforms file-type to CommonJS).
 */
function loadFileType(): Promise<typeof FileType> {
  fileTypeModule ??= import(FILE_TYPE) as Promise<typeof FileType>;
  return fileTypeModule;
}

function isAccepted(mime: string): mime is AcceptedType {
  return (AVATAR_ACCEPTED_TYPES as readonly string[]).includes(mime);
}

/** The image type, judged by the file's bytes alone (the file name and the declared type are ignored). */
export async function sniffImageType(data: Buffer): Promise<AcceptedType> {
  const { fileTypeFromBuffer } = await loadFileType();
  const found = await fileTypeFromBuffer(data);
  if (!found) throw new AvatarRejected('The file is not a PNG, JPEG, GIF or WebP image');
  if (!isAccepted(found.mime)) throw new AvatarRejected(`The file is ${found.mime}, not a PNG, JPEG, GIF or WebP image`);
  return found.mime;
}

export interface AvatarLimits {
  /** Largest width × height the decoder may be asked to expand. */
  maxPixels: number;
}

/**
 * Checks an upload and re-encodes it as a square WebP of AVATAR_SIZE_PX pixels: the type is sniffed from the
 * bytes, the dimensions are read from the header and refused before anything is decoded when too large, and a
 * truncated or damaged file fails the decode. EXIF orientation is applied; everything else in the metadata
 * (EXIF, GPS, XMP, comments, ICC) is left behind, as sharp writes none unless asked.
 */
export async function normaliseAvatar(data: Buffer, limits: AvatarLimits): Promise<Buffer> {
  if (data.length === 0) throw new AvatarRejected('The file is empty');
  const type = await sniffImageType(data);

  let meta: Metadata;
  try {
    meta = await sharp(data, { failOn: 'error', limitInputPixels: false }).metadata();
  } catch {
    throw new AvatarRejected('The image cannot be read: it is damaged or incomplete');
  }
  if (meta.format !== SHARP_FORMAT[type]) throw new AvatarRejected('The image cannot be read: its contents do not match its type');
  const { width, height } = meta;
  if (!width || !height) throw new AvatarRejected('The image cannot be read: it has no size');
  if (width * height > limits.maxPixels) {
    throw new AvatarRejected(
      `The image is ${width}×${height} pixels; at most ${Math.floor(limits.maxPixels / 1_000_000)} megapixels are accepted`,
    );
  }

  try {
    return await sharp(data, { failOn: 'error', limitInputPixels: limits.maxPixels, animated: false })
      .rotate()
      .resize(AVATAR_SIZE_PX, AVATAR_SIZE_PX, { fit: 'cover' })
      .webp({ quality: 82, effort: 4 })
      .toBuffer();
  } catch {
    throw new AvatarRejected('The image cannot be read: it is damaged or incomplete');
  }
}

const PALETTE = ['#5b6cc9', '#2f8f6b', '#c25b3f', '#8a5bc2', '#b08a1e', '#2b84a8', '#c2477a', '#5f7d2e', '#7a6a58', '#3d6fb6'];

/** Control, format (but the emoji joiner), surrogate, private-use and unassigned code points. */
const INVISIBLE = /[\p{Cc}\p{Cs}\p{Co}\p{Cn}]|(?!\u200d)\p{Cf}/gu;

/** One or two letters: the first of the first two words of the name (whole characters, so emoji and accents survive). */
export function initialsOf(displayName: string, username: string): string {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const first = (word: string) => segmenter.segment(word)[Symbol.iterator]().next().value?.segment ?? '';
  // Only visible characters can be drawn (and only they are valid in the SVG's XML): names stored before
  // control characters were refused may still hold some.
  const words = displayName.replace(INVISIBLE, '').trim().split(/\s+/u).filter(Boolean);
  const letters = words.length ? [first(words[0]), words.length > 1 ? first(words[words.length - 1]) : ''] : [first(username)];
  return letters.join('').toLocaleUpperCase() || '?';
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A colour that stays the same for a user (picked by their id). */
function colourFor(userId: string): string {
  let h = 0;
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

/**
 * The picture of a user who has not uploaded one: their initials on a coloured square, drawn from an SVG built
 * here (the text escaped) and rendered to WebP, so no SVG ever reaches a browser.
 */
export async function renderInitialsAvatar(userId: string, initials: string): Promise<Buffer> {
  const size = AVATAR_SIZE_PX;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">` +
    `<rect width="${size}" height="${size}" fill="${colourFor(userId)}"/>` +
    `<text x="50%" y="50%" dy=".35em" text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" ` +
    `font-size="${initials.length > 1 ? 104 : 124}" font-weight="600" fill="#ffffff">${escapeXml(initials)}</text></svg>`;
  return sharp(Buffer.from(svg)).webp({ quality: 90 }).toBuffer();
}
