import { ShutdownSignal } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import { CALENDAR_IMPORT_MAX_BYTES } from '@parley/contracts';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger as Pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { toErrorBody } from './common/error-body';
import { jsonBodyParser } from './common/json-body';
import { loggableUrl } from './common/logger';
import { securityHeaders } from './common/security-headers';
import { ApiValidationPipe } from './common/validation.pipe';
import { serveWebApp } from './common/web-app';
import type { AppConfig } from './config/config';
import { setupOpenApi } from './openapi';
import { ParleyIoAdapter } from './gateway/io-adapter';
import { HttpMetrics } from './metrics/http-metrics';
import { strictTransportSecurity } from './tls/hsts';
import { MetricsEndpoint } from './metrics/metrics-endpoint';

/** Everything between Express and the Nest routes, in order. Kept here so main.ts stays a bootstrap. */
export function setupHttp(app: NestExpressApplication, config: AppConfig, logger: Pino): void {
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // No ETags on API answers: they are not cached (Cache-Control: no-store), and a weak ETag costs a copy and a
  // hash of every body. Routes that revalidate (avatars) set their own.
  app.set('etag', false);
  // Nest stops on SIGHUP too by default; with HTTPS, SIGHUP reloads the certificate instead (tls/certificate-reloader.ts).
  app.enableShutdownHooks(Object.values(ShutdownSignal).filter((signal) => !(config.tls && signal === ShutdownSignal.SIGHUP)));
  app.useWebSocketAdapter(new ParleyIoAdapter(app, config));

  // Before everything else: /metrics is not under /api, and answers 404 unless METRICS_TOKEN is set.
  app.use(app.get(MetricsEndpoint).middleware);
  app.use(app.get(HttpMetrics).middleware);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // Only what an operator needs: never headers (cookies, tokens) or bodies (passwords, messages).
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: loggableUrl(req.url),
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/api/health' },
    }),
  );
  app.use(securityHeaders());
  app.use(strictTransportSecurity(config.hstsMaxAgeSeconds));
  // The web app is served from this origin; other origins (a separate front end, an integration page) must be listed.
  if (config.allowedOrigins.length) {
    app.enableCors({ origin: config.allowedOrigins, credentials: true, exposedHeaders: ['Retry-After', 'X-Request-Id'] });
  }
  app.use(cookieParser());
  // An .ics file imported into a room comes as itself (text/calendar), larger than JSON bodies may be.
  app.use('/api/rooms/:roomId/events/import', express.text({ type: ['text/calendar', 'text/plain'], limit: CALENDAR_IMPORT_MAX_BYTES }));
  app.use('/api', ...jsonBodyParser(config.jsonBodyLimit));
  // Body-parser errors (malformed JSON, too large) happen before Nest's routing: give them the one error shape.
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const body = toErrorBody(err);
    res.status(body.statusCode).json(body);
  });

  app.setGlobalPrefix('api');
  app.useGlobalPipes(new ApiValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  setupOpenApi(app, config);
  serveWebApp(app, config.webDistDir);
}
