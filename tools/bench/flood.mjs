// `npm run bench:flood`: what one abusive client does to everyone else. Parley runs with its default limits;
// ten ordinary users keep chatting (2 messages a second each, their acks timed) while a health check is
// polled, first undisturbed (the reference), then while one signed-in client floods a single socket event
// at ~940 a second for 8 s, event after event. Printed per flood: the others' ack p50/p99 against the
// reference, the health check's p99, server memory growth and CPU, and what the flooder got back.
// `--api-main PATH` runs another build (e.g. an older one, to compare). docs/benchmarks.md shows results.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { createUsers } from './lib/parley-setup.mjs';
import { memoryKb, startCpuWindow, waitUntilQuiet } from './lib/proc.mjs';
import { resolveApiMain, startParley, WORKSPACE_ROOT } from './lib/servers.mjs';
import { fmt, summarize, table } from './lib/stats.mjs';

const ATTACKER = fileURLToPath(new URL('./lib/flood-attacker.mjs', import.meta.url));

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '940' },
    duration: { type: 'string', default: '8' },
    only: { type: 'string' },
    'api-main': { type: 'string' },
    json: { type: 'string', default: 'tmp/bench/flood.json' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`Flood benchmark: one client floods one socket event; everyone else is measured.

  npm run bench:flood                      every flood at 940 events/s for 8 s
  npm run bench:flood -- --only sync       one flood (a name from the table)
  npm run bench:flood -- --rate 2000 --duration 8
  npm run bench:flood -- --api-main PATH   another build of the API`);
  process.exit(0);
}
const RATE = Number(args.rate);
const DURATION_MS = Number(args.duration) * 1000;
const BYSTANDERS = 10;
const BYSTANDER_SENDS_PER_SECOND = 2;
const ACK_TIMEOUT_MS = 5000;

async function api(url, path, { method = 'GET', token, body } = {}) {
  const res = await globalThis.fetch(`${url}/api${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${json?.message ?? ''}`);
  return json;
}

function connect(url, token) {
  const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
  return new Promise((ok, fail) => {
    socket.once('connect', () => ok(socket));
    socket.once('connect_error', fail);
  });
}

console.log('Starting Parley (default limits)…');
const server = await startParley({ main: resolveApiMain(args['api-main']) });
const results = { startedAt: new Date().toISOString(), rate: RATE, durationMs: DURATION_MS, floods: [] };
try {
  // --- the scene: #general with 500 messages, ten users chatting in their own group, one flooder -----------
  const users = await createUsers(server.url, { count: 26 + BYSTANDERS, prefix: `fl${Date.now().toString(36)}` });
  const [flooder, ...rest] = users;
  const fillers = rest.slice(0, 25);
  const bystanders = rest.slice(25);
  const general = (await api(server.url, '/rooms', { token: flooder.token })).find((r) => r.slug === 'general');
  for (const f of fillers) {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api(server.url, `/rooms/${general.id}/messages`, { method: 'POST', token: f.token, body: { body: `Backlog ${i} from ${f.username}`, clientMsgId: randomUUID() } }),
      ),
    );
  }
  const own = await api(server.url, `/rooms/${general.id}/messages`, { method: 'POST', token: flooder.token, body: { body: 'mine', clientMsgId: randomUUID() } });
  // Friends first: on the default server (DM_POLICY=friends) a group takes friends in and invites the others.
  for (const b of bystanders.slice(1)) {
    const asked = await api(server.url, '/friends/requests', { method: 'POST', token: bystanders[0].token, body: { userId: b.id } });
    await api(server.url, `/friends/requests/${asked.request.id}/accept`, { method: 'POST', token: b.token });
  }
  const group = await api(server.url, '/rooms', {
    method: 'POST',
    token: bystanders[0].token,
    body: { kind: 'group', name: 'Bystanders', memberIds: bystanders.slice(1).map((b) => b.id) },
  });
  const sockets = await Promise.all(bystanders.map((b) => connect(server.url, b.token)));
  const watcher = sockets[0];
  const heard = { receipt: 0, typing: 0, 'message:new': 0, 'message:updated': 0 };
  for (const e of Object.keys(heard)) watcher.on(e, (p) => (p.roomId === general.id ? (heard[e] += 1) : undefined));
  if (group.memberCount !== BYSTANDERS) throw new Error(`the bystanders' room has ${group.memberCount} members, not ${BYSTANDERS}`);
  console.log(`Scene: #general holds ${own.seq} messages; ${BYSTANDERS} users chat at ${BYSTANDER_SENDS_PER_SECOND}/s each in "${group.name}".`);

  // --- what the others see: their acks, and the health check ------------------------------------------------
  let acks = [];
  let lostAcks = 0;
  let health = [];
  let healthFailures = 0;
  let running = true;
  const chatting = sockets.map(async (socket, i) => {
    await sleep((i * 1000) / BYSTANDERS / BYSTANDER_SENDS_PER_SECOND);
    while (running) {
      const t = performance.now();
      void socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('message:send', { roomId: group.id, clientMsgId: randomUUID(), body: 'an ordinary message between colleagues' })
        .then((a) => (a?.error ? (lostAcks += 1) : acks.push(performance.now() - t)), () => (lostAcks += 1));
      await sleep(1000 / BYSTANDER_SENDS_PER_SECOND);
    }
  });
  const polling = (async () => {
    while (running) {
      const t = performance.now();
      try {
        const res = await globalThis.fetch(`${server.url}/api/health`, { signal: globalThis.AbortSignal.timeout(ACK_TIMEOUT_MS) });
        if (res.ok) health.push(performance.now() - t);
        else healthFailures += 1;
      } catch {
        healthFailures += 1;
      }
      await sleep(100);
    }
  })();

  /** Measures the others over `ms` while `during` runs (or nothing); returns the window's figures. */
  async function measure(ms, during) {
    acks = [];
    lostAcks = 0;
    health = [];
    healthFailures = 0;
    for (const k of Object.keys(heard)) heard[k] = 0;
    const rssBefore = memoryKb(server.pid).rssKb;
    const cpu = startCpuWindow({ pids: [server.pid], memoryPid: server.pid });
    const [flood] = await Promise.all([during?.(), sleep(ms)]);
    const window = cpu.stop();
    return {
      ack: summarize(acks),
      lostAcks,
      health: summarize(health),
      healthFailures,
      rssBeforeKb: rssBefore,
      peakRssKb: window.peakRssKb,
      growthKb: window.peakRssKb - rssBefore,
      serverCpu: window.perPid[0],
      heard: { ...heard },
      flood,
    };
  }

  function flood(event, payload, read = true) {
    return () =>
      new Promise((ok, fail) => {
        const child = spawn(process.execPath, [ATTACKER], {
          env: { ...process.env, FLOOD_SPEC: JSON.stringify({ url: server.url, token: flooder.token, event, payload, rate: RATE, durationMs: DURATION_MS, read }) },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('exit', () => {
          try {
            ok(JSON.parse(out.trim().split('\n').pop()));
          } catch {
            fail(new Error(`the flooder printed no result: ${out}`));
          }
        });
      });
  }

  const peers = users.slice(1, 101).map((u) => u.id);
  const scenarios = [
    ['sync', 'sync {since: {#general: 0}} (500 messages)', flood('sync', { since: { [general.id]: 0 } })],
    ['sync-unread', 'the same, from a client that never reads its answers', flood('sync', { since: { [general.id]: 0 } }, false)],
    ['room:read', 'room:read of an unchanged marker in #general', flood('room:read', { roomId: general.id, seq: own.seq })],
    ['presence:query', `presence:query of ${peers.length} users`, flood('presence:query', { userIds: peers })],
    ['typing', 'typing in #general', flood('typing', { roomId: general.id })],
    ['message:send', 'message:send to #general', flood('message:send', { roomId: general.id, body: 'spam' })],
    ['message:edit', 'message:edit of its own message', flood('message:edit', { messageId: own.id, body: 'edited again' })],
  ].filter(([name]) => !args.only || args.only === name);

  await sleep(2000);
  await waitUntilQuiet(server.pid, { maxPct: 40 });
  console.log(`\nReference: ${args.duration} s without a flood…`);
  const reference = await measure(DURATION_MS);
  results.reference = reference;
  console.log(`  others' ack p50/p99 ${fmt.ms(reference.ack.p50)}/${fmt.ms(reference.ack.p99)} ms; health p99 ${fmt.ms(reference.health.p99)} ms; server RSS ${fmt.mb(reference.rssBeforeKb)}`);

  const rows = [];
  for (const [name, label, run] of scenarios) {
    await waitUntilQuiet(server.pid, { maxPct: 40 });
    console.log(`\nFlood: ${label}, ${RATE}/s for ${args.duration} s…`);
    const during = await measure(DURATION_MS, run);
    const after = await measure(3000);
    const f = during.flood;
    console.log(
      `  others' ack p50/p99 ${fmt.ms(during.ack.p50)}/${fmt.ms(during.ack.p99)} ms (lost ${during.lostAcks}); health p99 ${fmt.ms(during.health.p99)} ms (failed ${during.healthFailures}); ` +
        `RSS +${fmt.mb(during.growthKb)} (peak ${fmt.mb(during.peakRssKb)}); server CPU ${fmt.int(during.serverCpu)} %; ` +
        `flooder sent ${fmt.int(f.sent)}, answered ${fmt.int(f.answered)}, rate_limited ${fmt.int(f.rateLimited)}, other errors ${fmt.int(f.otherErrors)}${f.disconnected ? `, disconnected (${f.disconnected})` : ''}; ` +
        `a bystander heard ${Object.entries(during.heard).map(([k, v]) => `${v} ${k}`).join(', ')}; 3 s after: ack p99 ${fmt.ms(after.ack.p99)} ms`,
    );
    results.floods.push({ name, label, during, after });
    rows.push([
      name,
      `${fmt.ms(during.ack.p50)} / ${fmt.ms(during.ack.p99)}`,
      fmt.ratio(during.ack.p99, reference.ack.p99),
      String(during.lostAcks),
      fmt.ms(during.health.p99),
      `+${fmt.mb(during.growthKb)}`,
      `${fmt.int(during.serverCpu)} %`,
      `${fmt.int(f.answered - f.rateLimited - f.otherErrors)} / ${fmt.int(f.rateLimited)}`,
      String(during.heard.receipt + during.heard.typing + during.heard['message:new'] + during.heard['message:updated']),
      fmt.ms(after.ack.p99),
    ]);
  }
  running = false;
  await Promise.all([...chatting, polling]);
  for (const s of sockets) s.close();

  console.log(`\nReference (no flood): others' ack p50/p99 ${fmt.ms(reference.ack.p50)} / ${fmt.ms(reference.ack.p99)} ms, health p99 ${fmt.ms(reference.health.p99)} ms.\n`);
  console.log(
    table(
      ['flood (one client, ' + RATE + '/s)', "others' ack p50 / p99 ms", 'p99 / reference', 'lost acks', 'health p99 ms', 'server RSS', 'server CPU', 'served / refused', 'events a bystander got', 'ack p99 3 s after'],
      rows,
    ),
  );
  const path = join(WORKSPACE_ROOT, args.json);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(results, null, 2));
  console.log(`\nEvery figure: ${args.json}`);
} finally {
  await server.dispose();
}
process.exit(0);
