import { BOTTOM_THRESHOLD_PX, stillPinned } from './bottom-pin';
import { lastSeqInView, rowPlace } from './read-position';

// A viewport from 100 to 500 (page coordinates), rows of 50px.
const row = (seq: number | null, top: number, height = 50) => ({ seq, top, bottom: top + height });

describe('lastSeqInView: what counts as seen', () => {
  it('is the newest message whose end is inside the viewport', () => {
    const rows = [row(10, 60), row(11, 110), row(12, 400), row(13, 470), row(14, 520)];
    // 10 ends at 110 (in view), 12 ends at 450, 13 ends at 520 (cut off), 14 is below.
    expect(lastSeqInView(rows, 100, 500)).toBe(12);
  });

  it('never counts a message above or below the viewport', () => {
    expect(lastSeqInView([row(5, 0), row(6, 40)], 100, 500)).toBe(0);
    expect(lastSeqInView([row(7, 510), row(8, 560)], 100, 500)).toBe(0);
  });

  it('skips rows without a seq (messages still on their way, separators)', () => {
    expect(lastSeqInView([row(3, 150), row(null, 300)], 100, 500)).toBe(3);
  });

  it('counts a message taller than the viewport that fills it', () => {
    expect(lastSeqInView([row(20, 50, 900)], 100, 500)).toBe(20);
  });

  it('tolerates sub-pixel layout at the edges', () => {
    expect(lastSeqInView([row(30, 451.5)], 100, 500)).toBe(30);
  });
});

describe('rowPlace', () => {
  it('tells above, in view and below', () => {
    expect(rowPlace({ top: 20, bottom: 99 }, 100, 500)).toBe('above');
    expect(rowPlace({ top: 80, bottom: 120 }, 100, 500)).toBe('in-view');
    expect(rowPlace({ top: 500, bottom: 540 }, 100, 500)).toBe('below');
  });
});

describe('stillPinned: following the end of the conversation', () => {
  it('pins anywhere within the threshold of the end', () => {
    expect(stillPinned(false, 500, 400, 0)).toBe(true);
    expect(stillPinned(false, 500, 400, BOTTOM_THRESHOLD_PX)).toBe(true);
  });

  it('unpins when the reader moves up, away from the end', () => {
    expect(stillPinned(true, 1000, 700, 300)).toBe(false);
  });

  it('stays pinned when content grew below (the position did not move up)', () => {
    // A sync put three messages before my pending one: the end moved 300px away, the position did not change.
    expect(stillPinned(true, 1000, 1000, 300)).toBe(true);
    expect(stillPinned(true, 1000, 1040, 260)).toBe(true);
  });

  it('an unpinned list stays unpinned until it is back near the end', () => {
    expect(stillPinned(false, 600, 700, 300)).toBe(false);
  });
});
