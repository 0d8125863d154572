import { THUMBNAIL_MAX_SIZE } from '@parley/contracts';
import sharp from 'sharp';

/** Sniffed types sharp decodes here (not SVG: it is never rendered on the server, nor HEIC: no decoder). */
const DECODABLE = new Set(['image/png', 'image/apng', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/tiff']);

export function isDecodableImage(mime: string): boolean {
  return DECODABLE.has(mime);
}

export interface ImageFacts {
  /** As displayed (EXIF orientation applied); null when the image cannot be read. */
  width: number | null;
  height: number | null;
  /** A WebP within THUMBNAIL_MAX_SIZE, without any metadata; null when too large to decode or undecodable. */
  thumbnail: Buffer | null;
}

const NOTHING: ImageFacts = { width: null, height: null, thumbnail: null };

/**
 * Reads an image file's size from its header, and draws a thumbnail only when width × height is within
 * `maxPixels` (the decoder is also told that cap, so a lying header cannot make it expand more). A damaged or
 * truncated image gives no thumbnail and no size; a pixel bomb gives its size but no thumbnail. EXIF
 * orientation is applied; sharp writes no metadata (EXIF, GPS, XMP, ICC) unless asked.
 */
export async function imageFacts(path: string, maxPixels: number): Promise<ImageFacts> {
  let width: number;
  let height: number;
  try {
    // Header only; of an animated image, the first frame (what the thumbnail shows).
    ({ width, height } = (await sharp(path, { limitInputPixels: false }).metadata()).autoOrient);
  } catch {
    return NOTHING;
  }
  if (!width || !height) return NOTHING;
  if (width * height > maxPixels) return { width, height, thumbnail: null };
  try {
    const thumbnail = await sharp(path, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true, animated: false })
      .autoOrient()
      .resize(THUMBNAIL_MAX_SIZE, THUMBNAIL_MAX_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80, effort: 4 })
      .toBuffer();
    return { width, height, thumbnail };
  } catch {
    return NOTHING;
  }
}
