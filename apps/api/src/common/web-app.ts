import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { NextFunction, Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { webAppCsp } from './security-headers';

/** Angular's build names files by content hash, so they can be cached for good. */
const HASHED = /-[A-Z0-9]{8,}\.(js|css|woff2?|png|svg|jpg|webp)$/i;

/**
 * Serves the built Angular app at `/`: static files, and index.html for every other non-API path so that
 * deep links work. index.html gets a fresh CSP nonce each time.
 */
export function serveWebApp(app: NestExpressApplication, webDistDir: string): void {
  const logger = new Logger('WebApp');
  const indexFile = join(webDistDir, 'index.html');
  if (!existsSync(indexFile)) {
    logger.warn(`No web app build at ${webDistDir}; only the API is served (run "npm run build")`);
    return;
  }
  const indexHtml = readFileSync(indexFile, 'utf8');
  const isApi = (req: Request) => req.path === '/api' || req.path.startsWith('/api/');

  const files = express.static(webDistDir, {
    index: false,
    setHeaders: (res, path) => {
      res.setHeader('Cache-Control', HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => (isApi(req) ? next() : files(req, res, next)));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApi(req) || extname(req.path) !== '') return next();
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', webAppCsp(nonce));
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(indexHtml.replace('<app-root', `<app-root ngCspNonce="${nonce}"`));
  });
}
