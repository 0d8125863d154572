// The parent side of the load generator: spreads the clients over worker processes (lib/load-worker.mjs),
// runs one step of the schedule at a time and merges what the workers measured, with the server's CPU
// and memory over the same window.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { URL, fileURLToPath } from 'node:url';
import { startCpuWindow } from './proc.mjs';
import { mergeCounts, summarize } from './stats.mjs';

const WORKER = fileURLToPath(new URL('./load-worker.mjs', import.meta.url));
const now = () => performance.timeOrigin + performance.now();

function request(child, msg, replyType) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (m.type !== replyType) return;
      cleanup();
      resolve(m);
    };
    const onExit = (code) => {
      cleanup();
      reject(new Error(`load worker exited (${code}) while waiting for '${replyType}'`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    if (msg) child.send(msg);
  });
}

/**
 * Connects every client and returns a handle that runs steps.
 * `clients`: [{ index, roomId, auth }] — client i sends send k when k mod N = i; room-mates receive.
 * With `urls` (several server processes), client i connects to urls[i mod urls.length].
 */
export async function startLoad({ url, urls = [url], clients, workers = 1, bodyBytes = 200 }) {
  const count = Math.max(1, Math.min(workers, clients.length));
  const children = [];
  for (let w = 0; w < count; w++) {
    // A larger young generation makes the generator's own GC pauses rarer; they would count as latency.
    const child = fork(WORKER, [], { execArgv: ['--max-semi-space-size=64'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    await request(child, null, 'ready');
  }
  const roomSize = new Map();
  for (const c of clients) roomSize.set(c.roomId, (roomSize.get(c.roomId) ?? 0) + 1);
  const receiversOf = clients.map((c) => roomSize.get(c.roomId) - 1);

  const connectErrors = {};
  let connected = 0;
  const replies = await Promise.all(
    children.map((child, w) =>
      request(child, { type: 'connect', url, bodyBytes, clients: clients.map(({ index, roomId, auth }) => ({ index, roomId, auth, url: urls[index % urls.length] })), mine: clients.filter((c) => c.index % count === w).map((c) => c.index) }, 'connected'),
    ),
  );
  for (const r of replies) {
    connected += r.connected;
    mergeCounts(connectErrors, r.errors);
  }

  let stepNo = 0;
  const runTag = randomBytes(3).toString('hex');

  return {
    connected,
    connectErrors,
    pids: children.map((c) => c.pid),

    /**
     * One step: `sendRate` sends per second for warm-up + duration, then up to `drainMs` for the last
     * deliveries and acks. Only sends scheduled after the warm-up are measured.
     */
    async runStep({ sendRate, warmupMs, durationMs, drainMs, serverPid, serverPids = [serverPid] }) {
      stepNo++;
      const intervalMs = 1000 / sendRate;
      const total = Math.max(1, Math.round((sendRate * (warmupMs + durationMs)) / 1000));
      const windowFirstK = Math.min(total - 1, Math.ceil(warmupMs / intervalMs));
      const t0 = now() + 300;
      const windowStartAt = t0 + windowFirstK * intervalMs;
      const windowEndAt = t0 + total * intervalMs;
      const cfg = { type: 'step', prefix: `b${runTag}s${stepNo}-`, t0, intervalMs, total, windowFirstK, windowStartAt, windowEndAt, drainMs };

      let cpu = null;
      let measured = null;
      const startTimer = setTimeout(() => {
        cpu = startCpuWindow({ pids: [...serverPids, ...children.map((c) => c.pid), process.pid], memoryPid: serverPids[0] });
      }, windowStartAt - now());
      const stopTimer = setTimeout(() => (measured = cpu?.stop()), windowEndAt - now());
      const results = await Promise.all(children.map((child) => request(child, cfg, 'result')));
      clearTimeout(startTimer);
      clearTimeout(stopTimer);
      measured ??= cpu?.stop();

      const counts = new Uint32Array(total);
      const errors = {};
      let sent = 0;
      let arrivals = 0;
      let selfEcho = 0;
      let stale = 0;
      let wrongRoom = 0;
      const recvLat = [];
      const ackLat = [];
      const sendLag = [];
      for (const r of results) {
        for (let k = 0; k < total; k++) counts[k] += r.counts[k];
        mergeCounts(errors, r.errors);
        sent += r.sent;
        arrivals += r.arrivalsInWindow;
        selfEcho += r.selfEcho;
        stale += r.stale;
        wrongRoom += r.wrongRoom;
        for (const v of r.recvLat) recvLat.push(v);
        for (const v of r.ackLat) ackLat.push(v);
        for (const v of r.sendLag) sendLag.push(v);
      }
      let expected = 0;
      let delivered = 0;
      let duplicates = 0;
      for (let k = windowFirstK; k < total; k++) {
        const want = receiversOf[k % clients.length];
        expected += want;
        delivered += Math.min(counts[k], want);
        duplicates += Math.max(0, counts[k] - want);
      }
      const windowSeconds = (windowEndAt - windowStartAt) / 1000;
      // Server CPU is the sum over its processes; RSS is the first process's.
      const perPid = measured?.perPid ?? serverPids.map(() => NaN);
      const serverCpu = perPid.slice(0, serverPids.length).reduce((a, b) => a + b, 0);
      const generatorCpu = perPid.slice(serverPids.length).reduce((a, b) => a + b, 0);
      return {
        sendRate,
        offeredDeliveries: (sendRate * expected) / Math.max(1, total - windowFirstK),
        windowSeconds,
        sent,
        measuredSends: total - windowFirstK,
        expected,
        delivered,
        duplicates,
        deliveryPct: expected ? (delivered / expected) * 100 : NaN,
        deliveredPerSec: arrivals / windowSeconds,
        recv: summarize(recvLat),
        ack: summarize(ackLat),
        /** How late the generator itself emitted the sends (included in both latencies). */
        sendLag: summarize(sendLag),
        errors,
        selfEcho,
        stale,
        wrongRoom,
        serverCpu,
        generatorCpu,
        otherCpu: (measured?.machine ?? NaN) - serverCpu - generatorCpu,
        serverPeakRssKb: measured?.peakRssKb ?? NaN,
      };
    },

    async close() {
      await Promise.all(
        children.map(async (child) => {
          if (!child.connected) return;
          const exited = new Promise((r) => child.once('exit', r));
          await request(child, { type: 'close' }, 'closed').catch(() => undefined);
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}
