import { Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap, OnApplicationShutdown, UnauthorizedException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { toErrorBody } from '../common/error-body';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Metrics } from './metrics';
import { metricsAccess } from './metrics-access';

export const METRICS_PATH = '/metrics';

/**
 * Serves `GET /metrics`: on the API's own port behind METRICS_TOKEN (see metricsAccess), and on a small
 * HTTP server of its own when METRICS_PORT is set. Kept out of /api, the OpenAPI document, the
 * throttler and the session guard: scrapers authenticate with the token or by reaching the port.
 */
@Injectable()
export class MetricsEndpoint implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsEndpoint.name);
  private server: Server | null = null;

  constructor(
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Express middleware for the API port: answers /metrics, passes everything else on. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (req.path !== METRICS_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    void this.answer(req, res, false);
  };

  private async answer(req: IncomingMessage, res: ServerResponse, onMetricsPort: boolean): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const access = metricsAccess(this.config.metrics, onMetricsPort, req.headers.authorization);
    if (access !== 'allowed') {
      const body = toErrorBody(access === 'unauthorized' ? new UnauthorizedException('A valid metrics token is required') : new NotFoundException(`Cannot ${req.method} ${METRICS_PATH}`));
      if (access === 'unauthorized') {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        this.logger.warn(`Refused a metrics request without a valid token from ${req.socket.remoteAddress ?? 'unknown'}`);
      }
      res.writeHead(body.statusCode, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
      return;
    }
    try {
      const text = await this.metrics.text();
      res.writeHead(200, { 'Content-Type': this.metrics.contentType }).end(req.method === 'HEAD' ? undefined : text);
    } catch (err) {
      this.logger.error(`Collecting metrics failed: ${(err as Error).stack ?? String(err)}`);
      const body = toErrorBody(err);
      res.writeHead(body.statusCode, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.metrics.port;
    if (port === null) return;
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === METRICS_PATH && (req.method === 'GET' || req.method === 'HEAD')) return void this.answer(req, res, true);
      const body = toErrorBody(new NotFoundException(`Cannot ${req.method} ${path}`));
      res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`Metrics served on http://${this.config.host}:${port}${METRICS_PATH}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
