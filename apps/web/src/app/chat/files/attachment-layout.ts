import { Attachment, FileCategory, fileCategory } from '@parley/contracts';

/** A lone picture fits in this box (CSS pixels); it never grows beyond its own size. */
export const SINGLE_IMAGE_MAX = { width: 360, height: 320 };
/** A picture whose size the server does not know gets this box (contained in it). */
const UNKNOWN_IMAGE = { width: 240, height: 180 };
/** The width of a grid of several pictures. */
export const GRID_WIDTH = 360;
/** A grid shows this many cells at most; the last tells how many more there are ("+4"). */
export const GRID_MAX_CELLS = 6;
const GRID_GAP = 4;
/** Video without a known size is shown 16:9. */
const VIDEO_RATIO = 16 / 9;

/** How an attachment is shown in a message. */
export type AttachmentView = 'image' | 'video' | 'audio' | 'file';

/**
 * Pictures with a thumbnail show inline; video and audio in the browser's own player; everything else (and a
 * picture the server could not make a thumbnail of) as a card with a download link.
 */
export function viewOf(attachment: Attachment): AttachmentView {
  const category = fileCategory(attachment.mime);
  if (category === FileCategory.Image) return attachment.thumbnail ? 'image' : 'file';
  if (category === FileCategory.Video) return 'video';
  if (category === FileCategory.Audio) return 'audio';
  return 'file';
}

export interface Box {
  width: number;
  height: number;
}

/** The size a lone picture is shown at: its own, scaled down to fit SINGLE_IMAGE_MAX. */
export function singleImageBox(width: number | null, height: number | null, max: Box = SINGLE_IMAGE_MAX): Box {
  if (!width || !height) return UNKNOWN_IMAGE;
  const scale = Math.min(1, max.width / width, max.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The box of a video (its own proportions when known) at the grid's width. */
export function videoBox(width: number | null, height: number | null): Box {
  const ratio = width && height ? width / height : VIDEO_RATIO;
  const boxWidth = Math.min(GRID_WIDTH, width ?? GRID_WIDTH);
  return { width: boxWidth, height: Math.round(Math.min(boxWidth / ratio, SINGLE_IMAGE_MAX.height * 1.25)) };
}

/**
 * How many pictures each row of a grid holds, so that every row is full: 2 → [2], 3 → [3], 4 → [2, 2],
 * 5 → [2, 3], 6 or more → [3, 3] (the last cell then counts the others).
 */
export function gridRows(count: number): number[] {
  const cells = Math.min(count, GRID_MAX_CELLS);
  if (cells <= 3) return [cells];
  if (cells === 4) return [2, 2];
  if (cells === 5) return [2, 3];
  return [3, 3];
}

/** The grid has six columns: a cell in a row of two spans three, in a row of three two. */
export const GRID_COLUMNS = 6;

export interface GridCell {
  attachment: Attachment;
  /** Its place among the message's pictures (for the lightbox). */
  index: number;
  /** Columns (of GRID_COLUMNS) it spans. */
  span: number;
  /** On the last cell when pictures are left out: how many ("+4"). */
  more: number;
}

/** The cells of a grid: up to GRID_MAX_CELLS in full rows of square cells, the last telling how many more there are. */
export function gridCells(images: readonly Attachment[]): GridCell[] {
  const rows = gridRows(images.length);
  const shown = images.slice(0, GRID_MAX_CELLS);
  const spans = rows.flatMap((size) => Array<number>(size).fill(GRID_COLUMNS / size));
  return shown.map((attachment, index) => ({
    attachment,
    index,
    span: spans[index]!,
    more: index === shown.length - 1 ? images.length - shown.length : 0,
  }));
}

/** The height of a grid of `count` pictures at full width (full rows of square cells). */
export function gridHeight(count: number): number {
  const rows = gridRows(count);
  const cells = rows.map((size) => (GRID_WIDTH - GRID_GAP * (size - 1)) / size);
  return Math.round(cells.reduce((sum, h) => sum + h, 0) + (rows.length - 1) * GRID_GAP);
}

const CARD_HEIGHT = 60;
const AUDIO_HEIGHT = 106;
/** The line under a video: its name, size and download link. */
const VIDEO_LINE_HEIGHT = 34;
const BLOCK_GAP = 6;

/** A first guess of the height a message's attachments take (the message list measures the real one). */
export function estimateAttachmentsHeight(attachments: readonly Attachment[]): number {
  if (attachments.length === 0) return 0;
  const images = attachments.filter((a) => viewOf(a) === 'image');
  const blocks: number[] = [];
  if (images.length === 1) blocks.push(singleImageBox(images[0]!.width, images[0]!.height).height);
  else if (images.length > 1) blocks.push(gridHeight(images.length));
  for (const a of attachments) {
    const view = viewOf(a);
    if (view === 'video') blocks.push(videoBox(a.width, a.height).height + VIDEO_LINE_HEIGHT);
    else if (view === 'audio') blocks.push(AUDIO_HEIGHT);
    else if (view === 'file') blocks.push(CARD_HEIGHT);
  }
  return blocks.reduce((sum, h) => sum + h, 0) + BLOCK_GAP * blocks.length;
}
