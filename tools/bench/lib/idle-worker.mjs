// Holds a share of the idle-sockets benchmark's connections (started by lib/idle.mjs with an IPC channel).
// Every socket authenticates with its own session token and then stays silent; what the server pushes to
// it anyway (presence changes, for instance) is counted.
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { io } from 'socket.io-client';

const sockets = [];
const errors = {};
let received = 0;
let dropped = 0;
const connectMs = [];

function connectOne(url, token) {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = io(url, { path: '/socket.io', auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60_000 });
    socket.onAny(() => received++);
    socket.once('connect', () => {
      connectMs.push(Math.round((performance.now() - started) * 100) / 100);
      sockets.push(socket);
      socket.on('disconnect', (reason) => {
        if (reason !== 'io client disconnect') dropped++;
      });
      resolve();
    });
    socket.once('connect_error', (err) => {
      const key = err?.data?.code ?? err?.message ?? String(err);
      errors[key] = (errors[key] ?? 0) + 1;
      socket.close();
      resolve();
    });
  });
}

async function connectAll({ url, tokens, concurrency }) {
  let next = 0;
  const progress = setInterval(() => process.send({ type: 'progress', connected: sockets.length }), 1000);
  await Promise.all(
    Array.from({ length: Math.min(concurrency, tokens.length) }, async () => {
      while (next < tokens.length) await connectOne(url, tokens[next++]);
    }),
  );
  clearInterval(progress);
  process.send({ type: 'connected', connected: sockets.length, errors, connectMs });
}

process.on('message', (msg) => {
  if (msg.type === 'connect') void connectAll(msg);
  else if (msg.type === 'status') process.send({ type: 'status', open: sockets.filter((s) => s.connected).length, dropped, received });
  else if (msg.type === 'close') {
    for (const s of sockets) s.close();
    process.send({ type: 'closed' });
    process.disconnect();
  }
});
process.send({ type: 'ready' });
