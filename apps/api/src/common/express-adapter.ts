import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { createServer as createHttpServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';

/**
 * Express gives each request and response its methods (`res.json`, `req.get`…) by changing their prototype
 * when they arrive (`Object.setPrototypeOf(req, app.request)` in `app.handle`). In V8 that per-object
 * prototype change made every request's objects outlive the young generation: a one-route Express app
 * promoted ~8 KB a request to the old generation and its scavenges took 8–10 ms, against 0.4 ms for the same
 * answer from node:http (docs/benchmarks.md, "The read path's tail"). Here the HTTP server creates requests
 * and responses with Express's prototypes from the start (Node's `IncomingMessage`/`ServerResponse` server
 * options), so Express finds nothing to change.
 */
export class ParleyExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.return503OnClosing || options?.forceCloseConnections) {
      throw new Error('ParleyExpressAdapter does not implement return503OnClosing or forceCloseConnections');
    }
    const app = this.getInstance<Express>();
    const messages = { IncomingMessage: requestClass(app.request), ServerResponse: responseClass(app.response) };
    const server = options?.httpsOptions ? createHttpsServer({ ...options.httpsOptions, ...messages }, app) : createHttpServer(messages, app);
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
    this.httpServer = server;
  }

  /**
   * Called when shutdown starts. Socket.IO and Nest close the server, which then waits for every open
   * connection; with a long keep-alive, a connection whose request finishes during the drain would keep the
   * process alive until it idles out. So answers from now on say `Connection: close`, and connections are
   * closed as soon as they are idle, until the server has closed.
   */
  drainConnections(): void {
    const server = this.httpServer as Server | undefined;
    if (!server) return;
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      res.shouldKeepAlive = false;
    });
    server.closeIdleConnections();
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    idle.unref();
    server.once('close', () => clearInterval(idle));
  }
}

/**
 * How long an idle keep-alive connection stays open. Node's 5 s default lets a client (a proxy, a load balancer,
 * an integration's HTTP pool) send its next request on a connection the server is closing at that moment: the
 * request fails with "socket hang up" / a 502. Clients and proxies close idle connections sooner than this
 * (nginx's upstream pool and AWS ALB 60 s; Node's agent 5 s, or the announced `Keep-Alive: timeout` less
 * 1 s; docker/Caddyfile sets Caddy's to 55 s, its default is 2 min), so the server is not the side that closes.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** A constructor Node's server can call with `new`, building an IncomingMessage whose prototype is `proto`. */
function requestClass(proto: object): typeof IncomingMessage {
  function ExpressRequest(this: IncomingMessage, socket: Socket): void {
    (IncomingMessage as unknown as (this: IncomingMessage, socket: Socket) => void).call(this, socket);
  }
  ExpressRequest.prototype = proto;
  return ExpressRequest as unknown as typeof IncomingMessage;
}

/** The same for ServerResponse. */
function responseClass(proto: object): typeof ServerResponse {
  function ExpressResponse(this: ServerResponse, req: IncomingMessage, options?: unknown): void {
    (ServerResponse as unknown as (this: ServerResponse, req: IncomingMessage, options?: unknown) => void).call(this, req, options);
  }
  ExpressResponse.prototype = proto;
  return ExpressResponse as unknown as typeof ServerResponse;
}
