import { QR_QUIET_ZONE, qrPixels } from './qr-image';

describe('qrPixels: the library\u2019s QR modules as an image', () => {
  it('draws dark modules black at the scale, inside a white quiet zone', () => {
    // A 3×3 "code": dark corners and centre.
    const modules = new Uint8ClampedArray([1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const { size, rgba } = qrPixels(modules, 2);
    expect(size).toBe((3 + 2 * QR_QUIET_ZONE) * 2);
    const dark = (x: number, y: number) => rgba[(y * size + x) * 4] === 0;
    const at = (mx: number, my: number) => [(mx + QR_QUIET_ZONE) * 2, (my + QR_QUIET_ZONE) * 2] as const;
    expect(dark(0, 0)).toBe(false); // the quiet zone
    expect(dark(...at(0, 0))).toBe(true);
    expect(dark(at(0, 0)[0] + 1, at(0, 0)[1] + 1)).toBe(true); // the whole 2×2 cell
    expect(dark(...at(1, 0))).toBe(false);
    expect(dark(...at(1, 1))).toBe(true);
    expect(rgba[3]).toBe(255); // opaque
  });

  it('refuses what is not a square code', () => {
    expect(() => qrPixels(new Uint8ClampedArray(5), 2)).toThrow('Not a square QR code.');
  });
});
