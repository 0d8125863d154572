/** The crypto library's module, loaded on first use (its JS and its 7.8 MB wasm stay out of the initial bundle). */
export type CryptoWasm = typeof import('@matrix-org/matrix-sdk-crypto-wasm');

/** Where the build puts the wasm file (project.json assets: node_modules/.../pkg → /e2ee/). */
export const CRYPTO_WASM_URL = '/e2ee/matrix_sdk_crypto_wasm_bg.wasm';

let loading: Promise<CryptoWasm> | null = null;

/** Loads and initialises the library once; later callers share the same promise (a failure may be retried). */
export function loadCryptoWasm(): Promise<CryptoWasm> {
  loading ??= import('@matrix-org/matrix-sdk-crypto-wasm').then(
    async (wasm) => {
      await wasm.initAsync(new URL(CRYPTO_WASM_URL, location.origin));
      return wasm;
    },
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}
