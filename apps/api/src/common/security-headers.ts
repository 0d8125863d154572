import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/** JSON answers need no resources at all. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Swagger UI's page carries an inline <style>; its scripts are files. Still no eval and no inline script. */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/**
 * The web app's page: scripts only from this origin, styles only from this origin or with this response's
 * nonce (Angular adds it to the component styles it inserts, via the ngCspNonce attribute). `wasm-unsafe-eval`
 * lets the page compile WebAssembly (the end-to-end encryption library, served from this origin); it allows no
 * JavaScript eval.
 */
export function webAppCsp(nonce: string): string {
  return (
    `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'nonce-${nonce}'; img-src 'self' data: blob:; ` +
    "font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; worker-src 'self'; manifest-src 'self'; " +
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
  );
}

/**
 * helmet for every response; the CSP (and for the API, `Cache-Control: no-store`) is chosen per kind of response.
 * helmet's HSTS is off: it would send the header over plain HTTP and to localhost too (tls/hsts.ts decides).
 */
export function securityHeaders() {
  const base = helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false, strictTransportSecurity: false });
  return (req: Request, res: Response, next: NextFunction) => {
    base(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (req.path.startsWith('/api/docs')) res.setHeader('Content-Security-Policy', DOCS_CSP);
      else if (req.path.startsWith('/api')) {
        res.setHeader('Content-Security-Policy', API_CSP);
        // Private answers: not kept by browsers or proxies. Routes that may be cached (avatars) say so themselves.
        res.setHeader('Cache-Control', 'no-store');
      }
      next();
    });
  };
}
