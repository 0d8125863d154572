import type { Express } from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ParleyExpressAdapter } from './express-adapter';

describe('ParleyExpressAdapter', () => {
  let server: Server;
  let app: Express;
  let url: string;
  const arrived: { req: object | null; res: object | null }[] = [];

  beforeAll(async () => {
    const adapter = new ParleyExpressAdapter();
    app = adapter.getInstance<Express>();
    app.get('/answer', (req, res) => {
      res.status(201).json({ got: req.get('x-question') ?? null, query: req.query });
    });
    adapter.initHttpServer({});
    server = adapter.getHttpServer() as Server;
    // Before Express sees them: what prototypes the server built the request and response with.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      arrived.push({ req: Object.getPrototypeOf(req) as object, res: Object.getPrototypeOf(res) as object });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('serves Express routes with Express request and response methods', async () => {
    const res = await fetch(`${url}/answer?x=1`, { headers: { 'x-question': 'why' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ got: 'why', query: { x: '1' } });
  });

  it('builds requests and responses with Express prototypes, so no prototype changes per request', async () => {
    arrived.length = 0;
    await (await fetch(`${url}/answer`)).text();
    await (await fetch(`${url}/nowhere`)).text();
    expect(arrived).toEqual([
      { req: app.request, res: app.response },
      { req: app.request, res: app.response },
    ]);
  });
});
