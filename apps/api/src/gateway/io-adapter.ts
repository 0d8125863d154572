import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { SOCKET_MAX_FRAME_BYTES, SOCKET_PATH } from '@parley/contracts';
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/config';
import { RedisConnection } from '../redis/redis-connection';
import { batchFlushedPackets } from './flush-batching';

/**
 * Browsers always send Origin on WebSocket upgrades and cross-origin requests; Socket.IO's same-origin
 * polling requests and non-browser clients (integrators) may send none. A cross-site page can therefore
 * never open a socket with the user's cookie unless its origin is allowed.
 */
export function originAllowed(req: Pick<IncomingMessage, 'headers'>, config: Pick<AppConfig, 'allowedOrigins' | 'publicUrl'>): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (config.allowedOrigins.includes(origin)) return true;
  try {
    if (config.publicUrl && new URL(config.publicUrl).origin === origin) return true;
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Socket.IO on the API's own HTTP server, with Parley's limits and the Origin check. With REDIS_URL, rooms
 * span every API process through the Redis streams adapter: broadcasts, socketsJoin/Leave and
 * disconnectSockets reach sockets wherever they are connected. (Streams rather than pub/sub: a Redis restart
 * mid-broadcast loses no event there; an event can arrive twice, and clients drop repeats by seq.)
 */
export class ParleyIoAdapter extends IoAdapter {
  constructor(
    private readonly appContext: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(appContext);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = this.createParleyServer(port, options);
    const redis = this.appContext.get(RedisConnection, { strict: false });
    if (redis.enabled) server.adapter(createAdapter(redis.adapterClient(), { streamName: 'parley:socket.io', channelPrefix: 'parley:socket.io', sessionKeyPrefix: 'parley:sio:session:' }));
    batchFlushedPackets(server);
    return server;
  }

  private createParleyServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, {
      ...options,
      path: SOCKET_PATH,
      serveClient: false,
      maxHttpBufferSize: SOCKET_MAX_FRAME_BYTES,
      perMessageDeflate: false,
      httpCompression: false,
      cors: this.config.allowedOrigins.length > 0 ? { origin: this.config.allowedOrigins, credentials: true } : undefined,
      allowRequest: (req, callback) => {
        const ok = originAllowed(req, this.config);
        callback(ok ? null : 'Origin not allowed', ok);
      },
    } as ServerOptions);
  }
}
