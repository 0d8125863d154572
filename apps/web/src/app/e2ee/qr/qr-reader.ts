/** Where the build puts the QR reader's wasm (project.json assets: node_modules/zxing-wasm/dist/reader → /zxing/). */
const ZXING_WASM_DIR = '/zxing/';

type Reader = typeof import('zxing-wasm/reader');
let loading: Promise<Reader> | null = null;

/** The QR reader (zxing-wasm), loaded the first time a code is scanned, its wasm from this server (never a CDN). */
function reader(): Promise<Reader> {
  loading ??= import('zxing-wasm/reader').then(
    async (zxing) => {
      await zxing.prepareZXingModule({ overrides: { locateFile: (path: string) => `${ZXING_WASM_DIR}${path}` }, fireImmediately: true });
      return zxing;
    },
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}

/**
 * The raw bytes of the first QR code in a picture (a photo or screenshot, or a camera frame), or null when it
 * holds none. Verification codes are binary, so the bytes are what counts, not a text.
 */
export async function readQrBytes(image: Blob | ImageData): Promise<Uint8Array | null> {
  const zxing = await reader();
  const results = await zxing.readBarcodes(image, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
  const found = results.find((r) => r.isValid && r.bytes.length > 0);
  return found ? found.bytes : null;
}
