import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIPv6 } from 'node:net';
import { APP_CONFIG, AppConfig } from '../config/config';

const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * The host name a Host header names, without its port, if it is a plain host name or IP address; null for
 * anything else (a path, credentials, spaces...), so that no Host header can make the redirect point at a URL
 * of its choosing.
 */
export function hostnameOf(host: string | undefined): string | null {
  if (!host) return null;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(host);
  if (bracketed) return isIPv6(bracketed[1]) ? `[${bracketed[1].toLowerCase()}]` : null;
  const plain = /^([^:]+)(?::\d{1,5})?$/.exec(host);
  if (!plain) return null;
  const name = plain[1].replace(/\.$/, '');
  return name.length <= 253 && HOSTNAME.test(name) ? name.toLowerCase() : null;
}

/** `https://<host>:<port><path and query>` for a plain HTTP request; `fallbackHost` when its Host header is unusable. */
export function redirectLocation(req: Pick<IncomingMessage, 'headers' | 'url'>, httpsPort: number, fallbackHost: string): string {
  const host = hostnameOf(req.headers.host) ?? fallbackHost;
  let path = req.url ?? '/';
  if (!path.startsWith('/')) {
    // An absolute-form request line ("GET http://other.example/x"): keep its path, never its host.
    try {
      const url = new URL(path);
      path = url.pathname + url.search;
    } catch {
      path = '/';
    }
  }
  // Header values must be Latin-1: escape anything else, and controls, rather than fail the answer.
  path = path.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
  return `https://${host}${httpsPort === 443 ? '' : `:${httpsPort}`}${path}`;
}

/**
 * HTTP_REDIRECT_PORT: a plain HTTP server that answers every request with a permanent redirect (308, which
 * keeps the method and body) to the same path and query over HTTPS on PORT. It serves nothing else.
 */
@Injectable()
export class HttpRedirectServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Tls');
  private server: Server | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.tls?.redirectPort;
    if (!port) return;
    const fallbackHost = this.config.publicUrl ? new URL(this.config.publicUrl).hostname : 'localhost';
    // A request without a Host header gets a redirect to the fallback host too, not Node's 400.
    const server = createServer({ requireHostHeader: false }, (req, res) => this.redirect(req, res, fallbackHost));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`Redirecting plain HTTP on port ${port} to HTTPS on port ${this.httpsPort()}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** The port HTTPS is listening on (PORT, or the one the system chose for PORT=0). */
  private httpsPort(): number {
    const address = this.adapterHost.httpAdapter.getHttpServer().address() as AddressInfo | null;
    return address?.port ?? this.config.port;
  }

  private redirect(req: IncomingMessage, res: ServerResponse, fallbackHost: string): void {
    const location = redirectLocation(req, this.httpsPort(), fallbackHost);
    const body = `Parley is served over HTTPS: ${location}\n`;
    res.writeHead(308, {
      Location: location,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
