import { shownSize, zoomIn, zoomOut } from './zoom';

describe('lightbox zoom', () => {
  it('steps in and out between fitted and four times that, stopping at the ends', () => {
    expect(zoomIn(1)).toBe(1.5);
    expect(zoomIn(3)).toBe(4);
    expect(zoomIn(4)).toBe(4);
    expect(zoomOut(4)).toBe(3);
    expect(zoomOut(1.5)).toBe(1);
    expect(zoomOut(1)).toBe(1);
  });

  it('fits the picture in the screen without enlarging a small one, then zooms from there', () => {
    const phone = { width: 390, height: 700 };
    expect(shownSize({ width: 4000, height: 3000 }, phone, 1)).toEqual({ width: 390, height: 293 });
    expect(shownSize({ width: 4000, height: 3000 }, phone, 2)).toEqual({ width: 780, height: 585 });
    expect(shownSize({ width: 200, height: 100 }, phone, 1)).toEqual({ width: 200, height: 100 });
    expect(shownSize(null, phone, 1)).toEqual(phone);
  });
});
