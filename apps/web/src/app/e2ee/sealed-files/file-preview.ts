import { THUMBNAIL_MAX_SIZE } from '@parley/contracts';

/** A picture of a file made in the browser: its own size, and a small WebP (or JPEG/PNG) of it. */
export interface FilePreview {
  width: number;
  height: number;
  thumbnail: { blob: Blob; width: number; height: number; mime: string } | null;
}

/** How long a video gets to show its first frames before it goes without a thumbnail. */
const VIDEO_FRAME_TIMEOUT_MS = 5000;

/** The size that fits in a square of `max`, never larger than the original. */
export function fitWithin(width: number, height: number, max = THUMBNAIL_MAX_SIZE): { width: number; height: number } {
  const scale = Math.min(1, max / width, max / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The size and a thumbnail of a picture or video, made here (in an encrypted room the server never sees the
 * file, so it cannot make them). Null for other files and for what the browser cannot decode; SVG is never drawn.
 */
export async function previewOf(file: File): Promise<FilePreview | null> {
  try {
    if (file.type.startsWith('image/') && file.type !== 'image/svg+xml') return await imagePreview(file);
    if (file.type.startsWith('video/')) return await videoPreview(file);
  } catch {
    // Not decodable here (an unknown format, a damaged file): it goes as a plain file.
  }
  return null;
}

async function imagePreview(file: File): Promise<FilePreview> {
  const bitmap = await createImageBitmap(file);
  try {
    return { width: bitmap.width, height: bitmap.height, thumbnail: await draw(bitmap, bitmap.width, bitmap.height) };
  } finally {
    bitmap.close();
  }
}

async function videoPreview(file: File): Promise<FilePreview | null> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  try {
    video.src = url;
    await settle(video, 'loadeddata');
    if (!video.videoWidth || !video.videoHeight) return null;
    const at = Number.isFinite(video.duration) ? Math.min(1, video.duration / 2) : 0;
    if (at > 0) {
      video.currentTime = at;
      await settle(video, 'seeked');
    }
    return { width: video.videoWidth, height: video.videoHeight, thumbnail: await draw(video, video.videoWidth, video.videoHeight) };
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}

/** Waits for a media event, failing on an error or after VIDEO_FRAME_TIMEOUT_MS. */
function settle(video: HTMLVideoElement, event: 'loadeddata' | 'seeked'): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('The video did not load in time.')), VIDEO_FRAME_TIMEOUT_MS);
    const done = (err?: Error) => {
      clearTimeout(timer);
      video.removeEventListener(event, ok);
      video.removeEventListener('error', failed);
      if (err) reject(err);
      else resolve();
    };
    const ok = () => done();
    const failed = () => done(new Error('The video cannot be decoded here.'));
    video.addEventListener(event, ok);
    video.addEventListener('error', failed);
  });
}

/** The source scaled into THUMBNAIL_MAX_SIZE, as WebP where the browser makes it (else its default, PNG). */
async function draw(source: CanvasImageSource, width: number, height: number): Promise<FilePreview['thumbnail']> {
  const size = fitWithin(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.drawImage(source, 0, 0, size.width, size.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/webp', 0.82));
  return blob ? { blob, ...size, mime: blob.type || 'image/png' } : null;
}
