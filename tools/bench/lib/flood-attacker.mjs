// One abusive client, in a process of its own (so its busy loop does not slow the clients being measured):
// it connects as a signed-in user and emits one event at a fixed rate for a while, then prints what came
// back as one JSON line. Started by tools/bench/flood.mjs with FLOOD_SPEC (JSON) in the environment:
// { url, token, event, payload, rate, durationMs, read }. With read=false the client stops reading from its
// connection once connected (its TCP socket is paused): the server's answers pile up on the server's side.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';

const spec = JSON.parse(process.env.FLOOD_SPEC);
const counts = { sent: 0, answered: 0, rateLimited: 0, otherErrors: 0, answerBytes: 0 };
const errorCodes = {};

const socket = io(spec.url, { transports: ['websocket'], auth: { token: spec.token }, reconnection: false, forceNew: true });
await new Promise((ok, fail) => {
  socket.once('connect', ok);
  socket.once('connect_error', fail);
});
let disconnected = null;
socket.on('disconnect', (reason) => (disconnected = reason));

if (!spec.read) {
  // engine.io-client's WebSocket transport holds a `ws` WebSocket whose net.Socket is `_socket`.
  socket.io.engine.transport.ws._socket.pause();
}

const payloadFor = (k) => {
  if (spec.event === 'message:send') return { ...spec.payload, clientMsgId: `flood-${process.pid}-${k}` };
  return spec.payload;
};

const onAnswer = (answer) => {
  counts.answered += 1;
  counts.answerBytes += JSON.stringify(answer).length;
  if (answer && answer.error) {
    if (answer.error.code === 'rate_limited') counts.rateLimited += 1;
    else {
      counts.otherErrors += 1;
      errorCodes[answer.error.code] = (errorCodes[answer.error.code] ?? 0) + 1;
    }
  }
};

// Open loop: emit k is due at start + k / rate, whatever the answers do.
const start = performance.now();
const intervalMs = 1000 / spec.rate;
while (performance.now() - start < spec.durationMs && !disconnected) {
  const due = Math.floor((performance.now() - start) / intervalMs);
  while (counts.sent <= due) {
    socket.emit(spec.event, payloadFor(counts.sent), onAnswer);
    counts.sent += 1;
  }
  await sleep(5);
}
// Late answers still count (a reading client).
if (spec.read) await sleep(2000);
process.stdout.write(`${JSON.stringify({ ...counts, errorCodes, disconnected })}\n`);
socket.close();
process.exit(0);
