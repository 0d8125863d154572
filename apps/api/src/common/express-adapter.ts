import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { createServer as createHttpServer, IncomingMessage, ServerResponse } from 'node:http';
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
    this.httpServer = options?.httpsOptions ? createHttpsServer({ ...options.httpsOptions, ...messages }, app) : createHttpServer(messages, app);
  }
}

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
