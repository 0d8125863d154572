/**
 * Each room's colour on the calendar: picked from the room id (the same on every device and every visit), from
 * a palette dark enough for white text at WCAG AA (4.5:1) in the light and the dark theme alike.
 */
export const ROOM_PALETTE: readonly string[] = [
  '#1d5fb8', // blue
  '#2e7d32', // green
  '#7b2fa8', // purple
  '#c62828', // red
  '#00695c', // teal
  '#ad1457', // pink
  '#a14a00', // orange
  '#4a48c4', // indigo
  '#5d4037', // brown
  '#0b6e8a', // petrol
  '#6a4fb0', // violet
  '#46604c', // moss
];

/** FNV-1a over the id's characters: small, fast and well spread. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function roomColour(roomId: string): string {
  return ROOM_PALETTE[hash(roomId) % ROOM_PALETTE.length]!;
}

/** The WCAG contrast ratio of two #rrggbb colours. */
export function contrastRatio(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
