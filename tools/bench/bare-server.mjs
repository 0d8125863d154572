// The reference for the benchmark: a bare Socket.IO server (the same socket.io package Parley uses) with no
// authentication, validation, throttling or storage. Each socket joins the rooms named in its handshake
// (`auth: { userId, rooms: [...] }`); 'message:send' is broadcast as 'message:new' to the room except the
// sender, then acknowledged with the message — the same event names and a Message of the same shape and
// size as Parley's, so the two servers serialise the same bytes.
//
//   node tools/bench/bare-server.mjs            (PORT, default 0 = any free port; HOST, default 127.0.0.1)
//
// With REDIS_URL set (npm run bench -- --nodes 2), it uses the adapter Parley uses across processes,
// @socket.io/redis-streams-adapter on ioredis, so broadcasts reach the sockets of the other bare process.
//
// Prints one JSON line {"listening": <port>, "socketIo": <version>} on stdout when ready; stops on SIGTERM or
// SIGINT.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { setTimeout } from 'node:timers';
import { Server } from 'socket.io';

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 0);

const httpServer = createServer((_req, res) => {
  res.writeHead(404).end();
});
const io = new Server(httpServer, { path: '/socket.io', transports: ['websocket'], serveClient: false });
let redis = null;
if (process.env.REDIS_URL) {
  const { Redis } = await import('ioredis');
  const { createAdapter } = await import('@socket.io/redis-streams-adapter');
  redis = new Redis(process.env.REDIS_URL);
  io.adapter(createAdapter(redis));
}

/** Per-room counters, as Parley numbers messages per room. */
const rooms = new Map();

io.on('connection', (socket) => {
  const { userId, rooms: joined } = socket.handshake.auth ?? {};
  socket.data.userId = typeof userId === 'string' ? userId : socket.id;
  if (Array.isArray(joined)) socket.join(joined.filter((r) => typeof r === 'string'));

  socket.on('message:send', (payload, ack) => {
    if (typeof ack !== 'function') return;
    const { roomId, clientMsgId, body } = payload ?? {};
    if (typeof roomId !== 'string' || !socket.rooms.has(roomId)) {
      ack({ error: { code: 'not_found', message: 'Room not found' } });
      return;
    }
    const room = rooms.get(roomId) ?? { seq: 0 };
    rooms.set(roomId, room);
    room.seq += 1;
    const message = {
      id: randomUUID(),
      roomId,
      seq: room.seq,
      rev: room.seq,
      senderId: socket.data.userId,
      body: String(body ?? ''),
      clientMsgId: String(clientMsgId ?? ''),
      createdAt: new Date().toISOString(),
      editedAt: null,
      deletedAt: null,
      replyToId: null,
    };
    socket.to(roomId).emit('message:new', message);
    ack({ message });
  });
});

httpServer.listen(port, host, () => {
  const version = createRequire(import.meta.url)('socket.io/package.json').version;
  process.stdout.write(`${JSON.stringify({ listening: httpServer.address().port, socketIo: version })}\n`);
});

const stop = () => {
  io.close(() => {
    redis?.disconnect();
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
