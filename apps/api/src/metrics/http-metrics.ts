import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { performance } from 'node:perf_hooks';
import { Metrics } from './metrics';
import { METRICS_PATH } from './metrics-endpoint';

/**
 * Times every HTTP request until its answer is sent, labelled with the route pattern Express matched
 * (`/api/rooms/:roomId/messages`), so ids never become labels. Requests no route matched (unknown paths,
 * the web app's files, refusals before routing) share one label each.
 */
@Injectable()
export class HttpMetrics {
  constructor(private readonly metrics: Metrics) {}

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (req.path === METRICS_PATH) return next();
    const started = performance.now();
    res.once('finish', () => {
      const route = req.route as { path?: unknown } | undefined;
      const pattern = typeof route?.path === 'string' ? `${req.baseUrl}${route.path}` : req.path.startsWith('/api') ? 'unmatched' : 'web-app';
      this.metrics.httpRequest(req.method, pattern, res.statusCode, (performance.now() - started) / 1000);
    });
    next();
  };
}
