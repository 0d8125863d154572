import type { ClientToServerEvents, ServerToClientEvents } from '@parley/contracts';
import { createServer, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connectClient, Socket as ClientSocket } from 'socket.io-client';
import { channel, credentialChannels, ParleyServer, RealtimeService } from '../realtime.service';

export type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A real Socket.IO server on a free local port, for tests of the delivery layer: a client connects as a user
 * (no credentials: the test says who it is) and its socket is subscribed as the gateway would subscribe it,
 * to its user's channel and to the rooms it names. RealtimeService is attached to it.
 */
export class LiveSockets {
  readonly realtime = new RealtimeService();
  private readonly http: HttpServer = createServer();
  private readonly io: ParleyServer;
  private readonly clients: Client[] = [];

  private constructor() {
    this.io = new Server(this.http, { transports: ['websocket'] }) as ParleyServer;
    this.io.use((socket, next) => {
      const auth = socket.handshake.auth as { userId: string; sessionId?: string; tokenId?: string };
      socket.data = { userId: auth.userId, role: 'member', sessionId: auth.sessionId ?? null, tokenId: auth.tokenId ?? null, expiresAt: null };
      next();
    });
    this.io.on('connection', (socket) => {
      const { rooms } = socket.handshake.auth as { rooms?: string[] };
      void socket.join([...credentialChannels(socket.data), ...(rooms ?? []).map(channel.room)]);
    });
    this.realtime.attach(this.io);
  }

  static async start(): Promise<LiveSockets> {
    const live = new LiveSockets();
    await new Promise<void>((resolve) => live.http.listen(0, '127.0.0.1', resolve));
    return live;
  }

  /** A connected client socket of `userId`, subscribed to `rooms`, opened with a session or a token when given. */
  async connect(userId: string, rooms: string[] = [], credential: { sessionId?: string; tokenId?: string } = {}): Promise<Client> {
    const { port } = this.http.address() as AddressInfo;
    const auth = { userId, rooms, ...credential };
    const client: Client = connectClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], auth, forceNew: true, reconnection: false });
    this.clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    return client;
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.close();
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }
}

/** Every payload of `event` a client receives from now on, in order. */
export function record<E extends keyof ServerToClientEvents>(client: Client, event: E): Parameters<ServerToClientEvents[E]>[0][] {
  const got: Parameters<ServerToClientEvents[E]>[0][] = [];
  client.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => got.push(payload)) as never);
  return got;
}

/** Resolves with the next payload of `event` that matches. */
export function next<E extends keyof ServerToClientEvents>(
  client: Client,
  event: E,
  match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => {
    const handler = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      client.off(event, handler as never);
      resolve(payload);
    };
    client.on(event, handler as never);
  });
}
