import { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';

/** Keys whose values never reach the log, wherever they appear. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-xsrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.body',
];

/**
 * Query parameters whose values may be logged: positions, sizes and filters. Every other value (a search text, a
 * person's name typed into people search, an engine.io session id, anything added later) is logged as
 * `[redacted]`: text people type never reaches the log, even in a URL.
 */
const LOGGABLE_QUERY_PARAMS = new Set(['before', 'after', 'around', 'limit', 'cursor', 'roomId', 'from', 'has', 'page', 'pageSize', 'kind', 'category', 'download', 'size', 'v', 'EIO', 'transport']);

/** Paths that carry a credential of their own: a calendar subscription feed's token. */
const SECRET_PATH = /^(\/api\/calendar\/feed\/)[^/?]+/;

/**
 * A request URL as the log shows it: the path (a feed token in it redacted), and the query with the values of
 * parameters not listed above redacted.
 */
export function loggableUrl(raw: string): string {
  const url = raw.replace(SECRET_PATH, '$1[redacted]');
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const params = new URLSearchParams(url.slice(mark + 1));
  const shown = [...params].map(([key, value]) => `${encodeURIComponent(key)}=${LOGGABLE_QUERY_PARAMS.has(key) ? encodeURIComponent(value) : '[redacted]'}`);
  return `${url.slice(0, mark)}?${shown.join('&')}`;
}

export function createRootLogger(level: string, destination?: pino.DestinationStream): Pino {
  return pino(
    {
    level,
    base: { service: 'parley-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

/** Nest's LoggerService on top of pino, so framework and app logs share one structured stream. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, params: unknown[]): void {
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const extra = level === 'error' && typeof params[0] === 'string' ? { stack: params[0] } : {};
    if (message instanceof Error) {
      this.pino[level]({ context, err: message, ...extra }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ context, ...(message as object), ...extra });
    } else {
      this.pino[level]({ context, ...extra }, String(message));
    }
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
}
