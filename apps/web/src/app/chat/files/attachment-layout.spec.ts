import { Attachment } from '@parley/contracts';
import { estimateAttachmentsHeight, gridCells, gridRows, singleImageBox, videoBox, viewOf } from './attachment-layout';

const image = (id: string, width: number | null = 800, height: number | null = 600): Attachment => ({
  id,
  name: `${id}.jpg`,
  size: 1000,
  mime: 'image/jpeg',
  width,
  height,
  thumbnail: true,
});
const pdf: Attachment = { id: 'p', name: 'plan.pdf', size: 5000, mime: 'application/pdf', width: null, height: null, thumbnail: false };

describe('how attachments are laid out', () => {
  it('shows pictures with a thumbnail inline, video and audio in players, the rest as cards', () => {
    expect(viewOf(image('a'))).toBe('image');
    expect(viewOf({ ...image('a'), thumbnail: false })).toBe('file');
    expect(viewOf({ ...pdf, mime: 'video/mp4' })).toBe('video');
    expect(viewOf({ ...pdf, mime: 'audio/ogg' })).toBe('audio');
    expect(viewOf(pdf)).toBe('file');
    expect(viewOf({ ...pdf, mime: 'application/zip' })).toBe('file');
  });

  it('keeps a lone picture\'s proportions within its box, never enlarging it', () => {
    expect(singleImageBox(800, 600)).toEqual({ width: 360, height: 270 });
    expect(singleImageBox(600, 1200)).toEqual({ width: 160, height: 320 });
    expect(singleImageBox(64, 48)).toEqual({ width: 64, height: 48 });
    expect(singleImageBox(null, null)).toEqual({ width: 240, height: 180 });
    expect(videoBox(1920, 1080)).toEqual({ width: 360, height: 203 });
    expect(videoBox(null, null)).toEqual({ width: 360, height: 203 });
  });

  it('lays several pictures out in full rows, the last cell counting those left out', () => {
    expect([2, 3, 4, 5, 6, 9].map(gridRows)).toEqual([[2], [3], [2, 2], [2, 3], [3, 3], [3, 3]]);
    const nine = Array.from({ length: 9 }, (_, i) => image(`i${i}`));
    const cells = gridCells(nine);
    expect(cells.map((c) => c.more)).toEqual([0, 0, 0, 0, 0, 3]);
    expect(cells.map((c) => c.span)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(gridCells(nine.slice(0, 5)).map((c) => [c.span, c.more])).toEqual([
      [3, 0],
      [3, 0],
      [2, 0],
      [2, 0],
      [2, 0],
    ]);
  });

  it('guesses the height the attachments take, so the list does not jump when they load', () => {
    expect(estimateAttachmentsHeight([])).toBe(0);
    expect(estimateAttachmentsHeight([image('a')])).toBe(270 + 6);
    expect(estimateAttachmentsHeight([image('a'), image('b')])).toBe(178 + 6);
    expect(estimateAttachmentsHeight([image('a'), image('b'), image('c'), image('d'), image('e')])).toBe(178 + 117 + 4 + 6);
    expect(estimateAttachmentsHeight([image('a'), pdf])).toBe(270 + 60 + 12);
  });
});
