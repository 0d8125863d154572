import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';

/**
 * A TCP proxy in front of a test server that holds back every WebSocket handshake (a request for
 * `transport=websocket`) for `delayMs`, as a slow network or a busy server would: long-polling works at once, and the
 * page's WebSocket upgrade stays under way for that long. Everything else passes through untouched.
 */
export class SlowUpgradeProxy {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    readonly url: string,
  ) {}

  static async start(target: string, delayMs: number): Promise<SlowUpgradeProxy> {
    const { hostname, port } = new URL(target);
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      sockets.add(client);
      client.once('close', () => sockets.delete(client));
      client.once('data', (first) => {
        client.pause();
        const upstream = connect(Number(port), hostname);
        sockets.add(upstream);
        upstream.once('close', () => sockets.delete(upstream));
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        const isWebSocket = /^GET [^\r\n]*transport=websocket/.test(first.toString('latin1'));
        setTimeout(
          () => {
            if (client.destroyed) {
              upstream.destroy();
              return;
            }
            upstream.write(first);
            client.pipe(upstream).pipe(client);
            client.resume();
          },
          isWebSocket ? delayMs : 0,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new SlowUpgradeProxy(server, sockets, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
