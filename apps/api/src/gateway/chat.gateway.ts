import { Inject, Logger, OnApplicationShutdown } from '@nestjs/common';
import { OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { ClientToServerEvents, PRESENCE_QUERY_MAX, TYPING_TTL_MS } from '@parley/contracts';
import { ArrayMaxSize, IsArray, IsIn, IsUUID } from 'class-validator';
import { APP_CONFIG, AppConfig } from '../config/config';
import { MessagesService } from '../messages/messages.service';
import { SocketDeleteDto, SocketEditDto, SocketReadDto, SocketRoomDto, SocketSendDto } from '../messages/dto/messages.dto';
import { channel, credentialChannels, ParleyServer, ParleySocket, RealtimeService } from '../realtime/realtime.service';
import { SendOrigins } from '../realtime/send-origins';
import { SocketCap } from '../limits/socket-cap';
import { PresenceService } from '../presence/presence.service';
import { DirectRoomsService } from '../rooms/direct-rooms.service';
import { RoomsService } from '../rooms/rooms.service';
import { HandshakeError, SocketAuthService } from './socket-auth.service';
import { toSocketError, validatePayload } from './socket-errors';
import { SocketLimits } from './socket-limits';
import { parseSyncPayload } from './sync-payload';

class PresenceQueryDto {
  @IsArray({ message: 'userIds must be a list' })
  @ArrayMaxSize(PRESENCE_QUERY_MAX, { message: `userIds may hold at most ${PRESENCE_QUERY_MAX} ids` })
  @IsUUID('all', { each: true, message: 'userIds must hold user ids (UUIDs)' })
  userIds!: string[];
}

class PresenceActivityDto {
  @IsIn(['active', 'idle'], { message: 'state must be active or idle' })
  state!: 'active' | 'idle';
}

/** A typing event is relayed at most this often per socket and room; clients send about every 2 s. */
const TYPING_RELAY_MIN_MS = 1000;
/** How often live sockets' sessions are checked for expiry (sessions slide while used elsewhere). */
const SESSION_SWEEP_MS = 60_000;

type Handler = (payload: unknown) => Promise<unknown>;

/**
 * The Socket.IO gateway: authenticates handshakes, keeps each socket subscribed to exactly the rooms its
 * user belongs to, and turns client events into service calls. Every event gets an ack: the result, or
 * `{ error: { code, message } }` — never a crash and never a silent drop.
 */
@WebSocketGateway()
export class ChatGateway implements OnGatewayInit, OnApplicationShutdown {
  private readonly logger = new Logger(ChatGateway.name);
  private server!: ParleyServer;
  private sweepTimer?: NodeJS.Timeout;
  private readonly typingRelayedAt = new WeakMap<ParleySocket, Map<string, number>>();

  constructor(
    private readonly socketAuth: SocketAuthService,
    private readonly rooms: RoomsService,
    private readonly messages: MessagesService,
    private readonly presence: PresenceService,
    private readonly realtime: RealtimeService,
    private readonly origins: SendOrigins,
    private readonly limits: SocketLimits,
    private readonly directRooms: DirectRoomsService,
    private readonly socketCap: SocketCap,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(server: ParleyServer): void {
    this.server = server;
    this.realtime.attach(server);
    server.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err: unknown) => {
          if (err instanceof HandshakeError) return next(err);
          this.logger.error(`Socket handshake failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          next(new HandshakeError('unavailable', 'The server could not check your credentials; try again'));
        },
      );
    });
    server.on('connection', (socket: ParleySocket) => this.onConnection(socket));
    this.socketCap.watch((socketId) => server.sockets.sockets.has(socketId));

    this.sweepTimer = setInterval(() => void this.sweepExpiredSessions(), SESSION_SWEEP_MS);
    this.sweepTimer.unref();
  }

  private pendingRooms = new WeakMap<ParleySocket, string[]>();

  private async authenticate(socket: ParleySocket): Promise<void> {
    const data = await this.socketAuth.authenticate(socket.handshake);
    const roomIds = await this.rooms.roomIdsForUser(data.userId);
    // Counted over every API process; the socket's registration is released when it disconnects.
    const open = await this.socketCap.admit(data.userId, socket.id, this.config.realtime.socketsPerUserMax);
    if (open > 0) {
      throw new HandshakeError('too_many_connections', `You already have ${open} open connections; close some tabs or devices first`);
    }
    socket.data = data;
    this.pendingRooms.set(socket, roomIds);
  }

  private onConnection(socket: ParleySocket): void {
    const { userId } = socket.data;
    const roomIds = this.pendingRooms.get(socket) ?? [];
    this.pendingRooms.delete(socket);
    void socket.join([...credentialChannels(socket.data), ...roomIds.map(channel.room)]);
    // The HTTP upgrade request (headers, parser, buffers) is not needed after the handshake: drop it to
    // keep idle sockets small. socket.handshake keeps the copy of the headers.
    (socket.conn as unknown as { request: unknown }).request = null;

    this.handle(socket, 'message:send', async (payload) => {
      const dto = await validatePayload(SocketSendDto, payload);
      // The message:new of this send skips this socket: it gets the message in the ack.
      const { message } = await this.origins.run(socket.id, userId, dto.clientMsgId, () => this.messages.send(this.actor(socket), dto.roomId, dto));
      // A member whose socket missed a subscription (it connected while they were joining) catches up here.
      if (!socket.rooms.has(channel.room(dto.roomId))) void socket.join(channel.room(dto.roomId));
      return { message };
    });
    this.handle(socket, 'message:edit', async (payload) => {
      const dto = await validatePayload(SocketEditDto, payload);
      return { message: await this.messages.edit(this.actor(socket), dto.messageId, dto.body, dto.encrypted) };
    });
    this.handle(socket, 'message:delete', async (payload) => {
      const dto = await validatePayload(SocketDeleteDto, payload);
      return { message: await this.messages.remove(this.actor(socket), dto.messageId) };
    });
    this.handle(socket, 'room:read', async (payload) => {
      const dto = await validatePayload(SocketReadDto, payload);
      return { roomId: dto.roomId, lastReadSeq: await this.messages.markRead(this.actor(socket), dto.roomId, dto.seq) };
    });
    this.handle(socket, 'typing', async (payload) => {
      const dto = await validatePayload(SocketRoomDto, payload);
      if (!socket.rooms.has(channel.room(dto.roomId))) await this.rooms.requireMembership(dto.roomId, userId);
      await this.directRooms.assertNotBlocked(dto.roomId, userId, 'show typing to');
      let relayed = this.typingRelayedAt.get(socket);
      if (!relayed) this.typingRelayedAt.set(socket, (relayed = new Map()));
      const now = Date.now();
      if (now - (relayed.get(dto.roomId) ?? 0) >= TYPING_RELAY_MIN_MS) {
        relayed.set(dto.roomId, now);
        socket.to(channel.room(dto.roomId)).emit('typing', { roomId: dto.roomId, userId, expiresInMs: TYPING_TTL_MS });
      }
      return { ok: true as const };
    });
    this.handle(socket, 'sync', async (payload) => {
      const { since, revs } = parseSyncPayload(payload);
      const result = await this.messages.sync(this.actor(socket), since, revs);
      // A room joined between the handshake reading the user's rooms and this socket entering the user's
      // channel reached neither: the socket follows it from now on (the client reloads its list for it).
      const unfollowed = (result.joined ?? []).map(channel.room).filter((c) => !socket.rooms.has(c));
      if (unfollowed.length > 0) void socket.join(unfollowed);
      return result;
    });
    this.handle(socket, 'presence:query', async (payload) => {
      const dto = await validatePayload(PresenceQueryDto, payload);
      return { presence: await this.presence.presenceOf(dto.userIds, userId) };
    });
    this.handle(socket, 'presence:activity', async (payload) => {
      const dto = await validatePayload(PresenceActivityDto, payload);
      this.presence.activity(userId, socket.id, dto.state);
      return { ok: true as const };
    });
    socket.on('disconnect', () => {
      this.presence.disconnected(userId, socket.id);
      void this.socketCap.release(userId, socket.id);
    });
    this.presence.connected(userId, socket.id);
  }

  private actor(socket: ParleySocket) {
    return { id: socket.data.userId, role: socket.data.role };
  }

  /**
   * Registers an event handler that always answers through the ack (when the client asked for one). The
   * socket limits run it, or answer a refusal without running it.
   */
  private handle(socket: ParleySocket, event: keyof ClientToServerEvents, fn: Handler): void {
    socket.on(event, (...args: unknown[]) => {
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (r: unknown) => void) : undefined;
      const payload = args[0];
      this.limits.run(socket, event, payload, () => fn(payload)).then(
        (answer) => answer !== null && ack?.(answer),
        (err: unknown) => ack?.({ error: toSocketError(err) }),
      );
    });
  }

  /** Closes sockets whose session has expired (and was not extended by use elsewhere). */
  private async sweepExpiredSessions(): Promise<void> {
    const now = Date.now();
    for (const socket of this.server.sockets.sockets.values()) {
      const { sessionId, expiresAt } = socket.data;
      if (!sessionId || expiresAt === null || expiresAt > now) continue;
      try {
        const fresh = await this.socketAuth.sessionExpiry(sessionId);
        if (fresh) {
          socket.data.expiresAt = fresh;
        } else {
          socket.emit('session:ended', { reason: 'expired' });
          socket.disconnect(true);
        }
      } catch (err) {
        this.logger.warn(`Session sweep failed: ${(err as Error).message}`);
      }
    }
  }

  onApplicationShutdown(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }
}
