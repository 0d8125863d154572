// A load-generator process (started by lib/load.mjs with an IPC channel). It holds some of the benchmark's
// clients, sends their share of the global schedule and records what they receive.
//
// The schedule is open-loop: send k is due at t0 + k·interval and belongs to client k mod N. Latencies are
// measured from that scheduled time, not from when the send actually left, so a client or server that falls
// behind shows up as latency instead of quietly sending less (no coordinated omission). The send's number
// travels in its clientMsgId, which both servers echo in 'message:new'.
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';
import { io } from 'socket.io-client';

const now = () => performance.timeOrigin + performance.now();

/** Every client of the benchmark: { index, roomId }; the sender of send k is all[k % all.length]. */
let all = [];
/** The clients held here, by index: { index, roomId, socket, body }. */
const local = new Map();
/** Socket-level trouble since the last step report (disconnects), by kind. */
let socketTrouble = {};
/** The step under way, or null. */
let step = null;

function send(msg) {
  process.send(msg);
}

function fill(prefix, bytes) {
  const words = ' the quick brown fox jumps over the lazy dog';
  let s = prefix;
  while (s.length < bytes) s += words;
  return s.slice(0, bytes);
}

function connectOne(url, spec) {
  return new Promise((resolve) => {
    const socket = io(url, {
      path: '/socket.io',
      auth: spec.auth,
      transports: ['websocket'],
      forceNew: true, // one connection per client: never multiplex clients over one WebSocket
      reconnection: false, // a dropped client is an error to report, not something to hide
      timeout: 20_000,
    });
    const client = { index: spec.index, roomId: spec.roomId, socket, body: '' };
    socket.on('message:new', (m) => received(client, m));
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') socketTrouble[`disconnect:${reason}`] = (socketTrouble[`disconnect:${reason}`] ?? 0) + 1;
    });
    socket.once('connect', () => resolve({ client }));
    socket.once('connect_error', (err) => {
      socket.close();
      resolve({ error: err?.message ?? String(err) });
    });
  });
}

async function connectAll({ url, clients, mine, bodyBytes }) {
  all = clients;
  const errors = {};
  const specs = mine.map((i) => clients[i]);
  for (let i = 0; i < specs.length; i += 50) {
    const results = await Promise.all(specs.slice(i, i + 50).map((spec) => connectOne(spec.url ?? url, spec)));
    for (const r of results) {
      if (r.error) errors[r.error] = (errors[r.error] ?? 0) + 1;
      else {
        r.client.body = fill(`Benchmark message from client ${r.client.index}:`, bodyBytes);
        local.set(r.client.index, r.client);
      }
    }
  }
  send({ type: 'connected', connected: local.size, errors });
}

function received(client, m) {
  const s = step;
  const id = typeof m?.clientMsgId === 'string' ? m.clientMsgId : '';
  if (!s || !id.startsWith(s.prefix)) {
    if (s) s.stale++;
    return;
  }
  const k = Number(id.slice(s.prefix.length));
  const sender = all[k % all.length];
  if (sender.index === client.index) {
    s.selfEcho++;
    return;
  }
  if (sender.roomId !== client.roomId) {
    s.wrongRoom++;
    return;
  }
  const t = now();
  if (t >= s.windowStartAt && t < s.windowEndAt) s.arrivalsInWindow++;
  if (k >= s.windowFirstK && k < s.total) {
    s.counts[k]++;
    s.receivedLocal++;
    s.recvLat.push(t - (s.t0 + k * s.intervalMs));
  }
}

function runStep(cfg) {
  const n = all.length;
  const s = {
    ...cfg,
    counts: new Uint16Array(cfg.total),
    recvLat: [],
    ackLat: [],
    sendLag: [],
    errors: {},
    sent: 0,
    pendingAcks: 0,
    receivedLocal: 0,
    expectedLocal: 0,
    arrivalsInWindow: 0,
    selfEcho: 0,
    stale: 0,
    wrongRoom: 0,
    finished: false,
    nextK: 0,
  };
  // How many of the clients held here receive each sender's messages (its room-mates, not itself).
  const localPerRoom = new Map();
  for (const c of local.values()) localPerRoom.set(c.roomId, (localPerRoom.get(c.roomId) ?? 0) + 1);
  const receiversOf = all.map((c) => (localPerRoom.get(c.roomId) ?? 0) - (local.has(c.index) ? 1 : 0));
  for (let k = cfg.windowFirstK; k < cfg.total; k++) s.expectedLocal += receiversOf[k % n];
  step = s;

  const error = (code) => (s.errors[code] = (s.errors[code] ?? 0) + 1);
  const emitSend = (client, k) => {
    const scheduled = s.t0 + k * s.intervalMs;
    if (k >= s.windowFirstK) s.sendLag.push(now() - scheduled);
    s.sent++;
    s.pendingAcks++;
    client.socket.emit('message:send', { roomId: client.roomId, clientMsgId: s.prefix + k, body: client.body }, (res) => {
      if (s.finished) return;
      s.pendingAcks--;
      if (res && res.error) error(res.error.code ?? 'unknown');
      else if (!res || !res.message) error('bad_ack');
      else if (k >= s.windowFirstK) s.ackLat.push(now() - scheduled);
    });
  };

  const tick = () => {
    const due = Math.min(s.total - 1, Math.floor((now() - s.t0) / s.intervalMs));
    for (; s.nextK <= due; s.nextK++) {
      const client = local.get(s.nextK % n);
      if (!client) continue;
      if (client.socket.connected) emitSend(client, s.nextK);
      else error('not_connected');
    }
    if (s.nextK < s.total) setTimeout(tick, Math.max(0, s.t0 + s.nextK * s.intervalMs - now()));
    else drain();
  };

  const drain = () => {
    const lastDue = s.t0 + (s.total - 1) * s.intervalMs;
    const check = () => {
      const done = s.pendingAcks === 0 && s.receivedLocal >= s.expectedLocal;
      if (!done && now() < lastDue + s.drainMs) return void setTimeout(check, 20);
      s.finished = true;
      if (s.pendingAcks > 0) s.errors.ack_timeout = (s.errors.ack_timeout ?? 0) + s.pendingAcks;
      const trouble = socketTrouble;
      socketTrouble = {};
      step = null;
      send({
        type: 'result',
        sent: s.sent,
        errors: { ...s.errors, ...trouble },
        recvLat: s.recvLat.map((v) => Math.round(v * 100) / 100),
        ackLat: s.ackLat.map((v) => Math.round(v * 100) / 100),
        sendLag: s.sendLag.map((v) => Math.round(v * 100) / 100),
        counts: Array.from(s.counts),
        arrivalsInWindow: s.arrivalsInWindow,
        selfEcho: s.selfEcho,
        stale: s.stale,
        wrongRoom: s.wrongRoom,
      });
    };
    check();
  };

  setTimeout(tick, Math.max(0, s.t0 - now()));
}

process.on('message', (msg) => {
  if (msg.type === 'connect') void connectAll(msg);
  else if (msg.type === 'step') runStep(msg);
  else if (msg.type === 'close') {
    for (const c of local.values()) c.socket.close();
    local.clear();
    send({ type: 'closed' });
    process.disconnect();
  }
});
send({ type: 'ready' });
