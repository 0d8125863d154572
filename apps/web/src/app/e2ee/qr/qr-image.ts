/** Modules of quiet zone around a QR code (the standard asks for four). */
export const QR_QUIET_ZONE = 4;

/**
 * The QR code the crypto library made (`QrCode.renderIntoBuffer()`: one byte per module, row by row, 1 for
 * dark) as the pixels of a square image: `scale` pixels per module, with the quiet zone, dark on white.
 */
export function qrPixels(modules: Uint8ClampedArray, scale: number): { size: number; rgba: Uint8ClampedArray<ArrayBuffer> } {
  const side = Math.round(Math.sqrt(modules.length));
  if (side * side !== modules.length || side === 0) throw new Error('Not a square QR code.');
  const size = (side + 2 * QR_QUIET_ZONE) * scale;
  const rgba = new Uint8ClampedArray(size * size * 4).fill(255);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (!modules[y * side + x]) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = ((y + QR_QUIET_ZONE) * scale + dy) * size;
        for (let dx = 0; dx < scale; dx++) {
          const i = (row + (x + QR_QUIET_ZONE) * scale + dx) * 4;
          rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
        }
      }
    }
  }
  return { size, rgba };
}

/** The QR code as a PNG data URL (for an <img> with a text alternative). */
export function qrDataUrl(modules: Uint8ClampedArray, scale = 6): string {
  const { size, rgba } = qrPixels(modules, scale);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, size, size), 0, 0);
  return canvas.toDataURL('image/png');
}
