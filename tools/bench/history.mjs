// `npm run bench -- --case history`: the REST read path. A room of 1,000,000 messages (written straight into
// a fresh SQLite DATA_DIR before the server starts, in seconds), then pages of history (50) read through
// Parley's API — one client, keep-alive, one request at a time, authenticated with a session token — against
// two references in the same run: a bare node:http server running the same query on the same file
// (lib/bare-history-server.mjs), read by the same client, and the query straight from SQLite (better-sqlite3,
// the driver Parley uses) in this process. Prints p50/p95/p99 of each, the CPU of the servers and of the load
// generator. `--help` lists the options.
import Database from 'better-sqlite3';
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, URL } from 'node:url';
import { parseArgs } from 'node:util';
import { createUsers } from './lib/parley-setup.mjs';
import { CORES, cpuSeconds, machineBusySeconds, waitUntilQuiet } from './lib/proc.mjs';
import { resolveApiMain, startBareHistoryServer, startParley, WORKSPACE_ROOT } from './lib/servers.mjs';
import { fmt, summarize, table } from './lib/stats.mjs';

const CPU_PROFILE = fileURLToPath(new URL('./lib/cpu-profile.cjs', import.meta.url));

export const HISTORY_HELP = `Parley REST read-path benchmark: history pages through the API against the same query straight from SQLite.

  npm run bench -- --case history                   1,000,000 messages, 3 rounds of 3,000 pages each
  npm run bench -- --case history --cpu-prof tmp/bench/prof   also write the server's CPU profile(s) there

Options
  --messages N       messages in the room (default 1000000)
  --page N           page size, the API's ?limit (default 50)
  --requests N       measured pages per round (default 3000)
  --warmup N         unmeasured pages before each round (default 500)
  --rounds N         rounds; each restarts the server on the same database (default 3)
  --log-level L      the server's LOG_LEVEL (default warn, as in every bench; info logs a line per request)
  --cookie           authenticate with the session cookie instead of a bearer session token (reads are GETs)
  --data-dir DIR     build the room in DIR and keep it; a later run with the same DIR and --messages reuses it
                     (the server still runs its migrations on it), so repeated runs skip the minute of setup
  --cpu-prof DIR     profile the server's CPU (V8, like node --cpu-prof), one .cpuprofile per round in DIR
  --server-node-options=S   NODE_OPTIONS for the API server only, written with "=" (e.g.
                     --server-node-options="--max-semi-space-size=4", or "--require probe.cjs" for a probe)
  --api-main PATH    the built API to run (default dist/apps/api/main.js, built with Nx if missing)
  --json PATH        also write every figure as JSON (default tmp/bench/history.json)

Each page is GET /api/rooms/:id/messages?before=<seq>&limit=50 with <seq> drawn at random over the room, so
every page is a keyset seek into the 1,000,000 rows, never a cached "newest" page. Two references read the
same pages with the same cursors: "bare HTTP", a node:http server with nothing but the API's query (the same
columns, WHERE, ORDER BY and LIMIT page + 1), JSON and a bearer check, read by the same client over loopback
(what the machine itself costs a reader); and "bare SQLite", that query with a prepared statement in this
process, on the same database file.`;

function readHistoryOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      messages: { type: 'string', default: '1000000' },
      page: { type: 'string', default: '50' },
      requests: { type: 'string', default: '3000' },
      warmup: { type: 'string', default: '500' },
      rounds: { type: 'string', default: '3' },
      cookie: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'warn' },
      'cpu-prof': { type: 'string' },
      'server-node-options': { type: 'string' },
      'data-dir': { type: 'string' },
      'api-main': { type: 'string' },
      json: { type: 'string', default: 'tmp/bench/history.json' },
    },
    strict: true,
  });
  const whole = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got ${values[name]})`);
    return n;
  };
  return {
    help: values.help ?? false,
    messages: whole('messages', 1000),
    page: whole('page', 1),
    requests: whole('requests', 100),
    warmup: whole('warmup', 0),
    rounds: whole('rounds', 1),
    cookie: values.cookie,
    logLevel: values['log-level'],
    cpuProf: values['cpu-prof'] ? resolve(WORKSPACE_ROOT, values['cpu-prof']) : undefined,
    serverNodeOptions: values['server-node-options'],
    dataDir: values['data-dir'] ? resolve(WORKSPACE_ROOT, values['data-dir']) : undefined,
    apiMain: values['api-main'],
    json: values.json,
  };
}

/** SQLite's DATETIME text, as Parley's writer stores it. */
const sqliteTime = (ms) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/**
 * Writes `count` messages from `senderId` into `roomId` in one transaction, with seq/rev 1..count and the
 * room's counters to match: the state the writer would have left after `count` sends, minus the hours.
 */
function fillRoom(dbFile, { roomId, senderId, count }) {
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    'INSERT INTO messages (id, "roomId", seq, rev, "senderId", body, "clientMsgId", "replyToId", "createdAt", kind, event) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, \'user\', NULL)',
  );
  const start = Date.now() - count * 1000;
  const body = (i) => `Message ${i}: ${'the quick brown fox jumps over the lazy dog '.repeat(1 + (i % 4))}`.trim();
  db.transaction(() => {
    for (let seq = 1; seq <= count; seq++) insert.run(randomUUID(), roomId, seq, seq, senderId, body(seq), `h${seq}`, sqliteTime(start + seq * 1000));
    db.prepare('UPDATE rooms SET "lastSeq" = ?, "lastRev" = ?, "lastMessageAt" = ? WHERE id = ?').run(count, count, sqliteTime(start + count * 1000), roomId);
    db.prepare('UPDATE room_members SET "lastReadSeq" = ? WHERE "roomId" = ?').run(count, roomId);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  db.close();
}

/** Random `before` cursors over the room, the same list for the API and the bare query. */
function cursors(n, messages, page) {
  return Array.from({ length: n }, () => page + 1 + Math.floor(Math.random() * (messages - page)));
}

function httpGet(agent, url, headers) {
  return new Promise((ok, fail) => {
    const req = request(url, { agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

/** Measures `fn(i)` one call at a time: latencies (ms), CPU of this process and of `serverPid`. */
async function measure(n, fn, serverPid) {
  const samples = new Float64Array(n);
  const cpu0 = cpuSeconds(process.pid);
  const srv0 = serverPid ? cpuSeconds(serverPid) : NaN;
  const machine0 = machineBusySeconds();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const at = performance.now();
    await fn(i);
    samples[i] = performance.now() - at;
  }
  const seconds = (performance.now() - t0) / 1000;
  const pct = (s) => (s / seconds) * 100;
  const generatorCpu = pct(cpuSeconds(process.pid) - cpu0);
  const serverCpu = serverPid ? pct(cpuSeconds(serverPid) - srv0) : NaN;
  return { ...summarize(samples), mean: samples.reduce((a, b) => a + b, 0) / n, perSecond: n / seconds, generatorCpu, serverCpu, otherCpu: pct(machineBusySeconds() - machine0) - generatorCpu - (serverCpu || 0) };
}

async function round(index, { server, bareHttp, roomId, user, opts, db }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const bareAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const headers = opts.cookie ? { cookie: `parley_session=${user.token}` } : { authorization: `Bearer ${user.token}` };
  const pageUrl = (before) => `${server.url}/api/rooms/${roomId}/messages?before=${before}&limit=${opts.page}`;
  const barePageUrl = (before) => `${bareHttp.url}/api/rooms/${roomId}/messages?before=${before}&limit=${opts.page}`;
  const bareHeaders = { authorization: `Bearer ${user.token}` };
  const query = db.prepare(
    'SELECT * FROM messages WHERE "roomId" = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
  );
  try {
    const warm = cursors(opts.warmup, opts.messages, opts.page);
    for (const before of warm) {
      const res = await httpGet(agent, pageUrl(before), headers);
      if (res.status !== 200) throw new Error(`GET history → ${res.status}: ${res.body.toString().slice(0, 300)}`);
    }
    const check = JSON.parse((await httpGet(agent, pageUrl(opts.page + 1), headers)).body.toString());
    if (check.items?.length !== opts.page || check.items[0].seq !== 1) throw new Error(`unexpected page: ${JSON.stringify(check).slice(0, 300)}`);
    for (const before of warm.slice(0, 200)) query.all(roomId, before, opts.page + 1);
    for (const before of warm) {
      const res = await httpGet(bareAgent, barePageUrl(before), bareHeaders);
      if (res.status !== 200) throw new Error(`GET history from the bare HTTP server → ${res.status}`);
    }
    const bareCheck = JSON.parse((await httpGet(bareAgent, barePageUrl(opts.page + 1), bareHeaders)).body.toString());
    if (bareCheck.items?.length !== opts.page || bareCheck.items[0].seq !== 1) throw new Error(`unexpected page from the bare HTTP server: ${JSON.stringify(bareCheck).slice(0, 300)}`);

    const list = cursors(opts.requests, opts.messages, opts.page);
    await waitUntilQuiet(server.pid);
    const api = await measure(
      opts.requests,
      async (i) => {
        const res = await httpGet(agent, pageUrl(list[i]), headers);
        if (res.status !== 200) throw new Error(`GET history → ${res.status}`);
      },
      server.pid,
    );
    await waitUntilQuiet(bareHttp.pid);
    const http = await measure(
      opts.requests,
      async (i) => {
        const res = await httpGet(bareAgent, barePageUrl(list[i]), bareHeaders);
        if (res.status !== 200) throw new Error(`GET history from the bare HTTP server → ${res.status}`);
      },
      bareHttp.pid,
    );
    const bare = await measure(opts.requests, async (i) => {
      const rows = query.all(roomId, list[i], opts.page + 1);
      if (rows.length !== opts.page + 1) throw new Error('the bare query returned a short page');
      JSON.stringify(rows.slice(0, opts.page));
    });
    console.log(
      `  round ${index + 1}: API p50/p95/p99 ${fmt.ms(api.p50)}/${fmt.ms(api.p95)}/${fmt.ms(api.p99)} ms (${fmt.int(api.perSecond)} pages/s, server CPU ${fmt.int(api.serverCpu)} % = ${fmt.ms((api.serverCpu * 10) / api.perSecond)} ms a page, generator CPU ${fmt.int(api.generatorCpu)} %, other ${fmt.int(api.otherCpu)} %); ` +
        `bare HTTP ${fmt.ms(http.p50)}/${fmt.ms(http.p95)}/${fmt.ms(http.p99)} ms (server CPU ${fmt.int(http.serverCpu)} %, other ${fmt.int(http.otherCpu)} %); ` +
        `bare SQLite ${fmt.ms(bare.p50)}/${fmt.ms(bare.p95)}/${fmt.ms(bare.p99)} ms`,
    );
    return { api, http, bare };
  } finally {
    agent.destroy();
    bareAgent.destroy();
  }
}

export async function runHistory(argv, { onCleanup }) {
  let opts;
  try {
    opts = readHistoryOptions(argv);
  } catch (err) {
    console.error(`${err.message}\n\n${HISTORY_HELP}`);
    process.exitCode = 2;
    return;
  }
  if (opts.help) return console.log(HISTORY_HELP);
  const machine = { cores: CORES, cpu: cpus()[0]?.model, memoryGb: +(totalmem() / 2 ** 30).toFixed(1), node: process.version };
  console.log(`Parley REST read-path benchmark — ${new Date().toISOString()}`);
  console.log(`machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}; the generator runs on the same machine`);
  const main = resolveApiMain(opts.apiMain);
  console.log(`  API: ${main}; NODE_ENV=production, SQLite, LOG_LEVEL=${opts.logLevel}; ${opts.cookie ? 'session cookie' : 'bearer session token'}`);

  const { dataDir, user, roomId } = await prepareRoom(main, opts, onCleanup);
  const db = new Database(join(dataDir, 'parley.sqlite'), { readonly: true });
  onCleanup(async () => db.close());
  const bareHttp = await startBareHistoryServer({ dbFile: join(dataDir, 'parley.sqlite'), token: user.token });
  onCleanup(() => bareHttp.stop());
  const rounds = [];
  for (let i = 0; i < opts.rounds; i++) {
    const nodeOptions = [process.env.NODE_OPTIONS, opts.serverNodeOptions, opts.cpuProf && `--require ${CPU_PROFILE}`].filter(Boolean).join(' ');
    const env = { LOG_LEVEL: opts.logLevel, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };
    if (opts.cpuProf) env.BENCH_CPU_PROF_DIR = opts.cpuProf;
    if (opts.cpuProf) mkdirSync(opts.cpuProf, { recursive: true });
    const server = await startParley({ main, dataDir, env });
    onCleanup(() => server.stop());
    try {
      rounds.push(await round(i, { server, bareHttp, roomId, user, opts, db }));
    } finally {
      await server.stop();
    }
  }
  report(rounds, opts, machine);
}

/** A DATA_DIR with one user and one room of `opts.messages` messages: made now, or reused from --data-dir. */
async function prepareRoom(main, opts, onCleanup) {
  const marker = opts.dataDir && join(opts.dataDir, 'history-bench.json');
  if (marker && existsSync(marker)) {
    const saved = JSON.parse(readFileSync(marker, 'utf8'));
    if (saved.messages === opts.messages) {
      console.log(`  reusing the room of ${fmt.int(saved.messages)} messages in ${opts.dataDir}`);
      if (!saved.settled) {
        await settle(main, opts.dataDir, onCleanup);
        writeFileSync(marker, JSON.stringify({ ...saved, settled: true }));
      }
      return { dataDir: opts.dataDir, user: saved.user, roomId: saved.roomId };
    }
    rmSync(opts.dataDir, { recursive: true, force: true });
  }
  let dataDir = opts.dataDir;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-history-'));
    onCleanup(async () => rmSync(dataDir, { recursive: true, force: true }));
  }
  const setup = await startParley({ main, dataDir });
  onCleanup(() => setup.stop());
  let user;
  let roomId;
  try {
    [user] = await createUsers(setup.url, { count: 1, prefix: `h${Date.now().toString(36)}u` });
    const res = await globalThis.fetch(`${setup.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ kind: 'group', name: 'History bench', memberIds: [] }),
    });
    if (!res.ok) throw new Error(`POST /api/rooms → ${res.status}: ${await res.text()}`);
    roomId = (await res.json()).id;
  } finally {
    await setup.stop();
  }
  const fillStart = performance.now();
  fillRoom(join(dataDir, 'parley.sqlite'), { roomId, senderId: user.id, count: opts.messages });
  console.log(`  wrote ${fmt.int(opts.messages)} messages into one room straight into SQLite in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`);
  if (marker) writeFileSync(marker, JSON.stringify({ messages: opts.messages, user, roomId }));
  await settle(main, dataDir, onCleanup);
  if (marker) writeFileSync(marker, JSON.stringify({ messages: opts.messages, user, roomId, settled: true }));
  return { dataDir, user, roomId };
}

/**
 * Runs Parley on the filled room until its background work on the new rows is done: the search indexer
 * indexing them and encryption at rest sealing the plaintext rows (both as on a real installation whose
 * messages came through the API). Measuring while they ran measured them, not the read path.
 */
async function settle(main, dataDir, onCleanup) {
  const started = performance.now();
  const server = await startParley({ main, dataDir });
  onCleanup(() => server.stop());
  try {
    // Quiet: under 3 % of a core over 3 s (the indexer and the sealing each keep a core busy while they work).
    const quiet = await waitUntilQuiet(server.pid, { maxPct: 3, windowMs: 3000, timeoutMs: 40 * 60_000 });
    if (!quiet) throw new Error('Parley was still busy with the new rows after 40 minutes');
  } finally {
    await server.stop();
  }
  console.log(`  indexed and sealed the new rows (Parley in the background) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

function report(rounds, opts, machine) {
  const row = (label, get) => [label, ...rounds.map((r) => get(r))];
  console.log(`\n## History pages of ${opts.page} from a room of ${fmt.int(opts.messages)} messages (${fmt.int(opts.requests)} pages a round)\n`);
  const headers = ['', ...rounds.map((_, i) => `round ${i + 1}`)];
  const rows = [];
  for (const p of ['p50', 'p95', 'p99']) rows.push(row(`API ${p} (ms)`, (r) => fmt.ms(r.api[p])));
  for (const p of ['p50', 'p95', 'p99']) rows.push(row(`bare HTTP ${p} (ms)`, (r) => fmt.ms(r.http[p])));
  for (const p of ['p50', 'p95', 'p99']) rows.push(row(`bare SQLite ${p} (ms)`, (r) => fmt.ms(r.bare[p])));
  rows.push(row('API p99 / bare HTTP p99', (r) => fmt.ratio(r.api.p99, r.http.p99)));
  rows.push(row('API p99 / bare SQLite p99', (r) => fmt.ratio(r.api.p99, r.bare.p99)));
  rows.push(row('API pages/s (one client)', (r) => fmt.int(r.api.perSecond)));
  rows.push(row('server CPU (% of a core)', (r) => `${fmt.int(r.api.serverCpu)} %`));
  rows.push(row('server CPU per page (ms)', (r) => fmt.ms((r.api.serverCpu * 10) / r.api.perSecond)));
  rows.push(row('bare HTTP server CPU per page (ms)', (r) => fmt.ms((r.http.serverCpu * 10) / r.http.perSecond)));
  rows.push(row('generator CPU (% of a core)', (r) => `${fmt.int(r.api.generatorCpu)} %`));
  rows.push(row('other processes CPU', (r) => `${fmt.int(r.api.otherCpu)} %`));
  console.log(table(headers, rows));
  const worst = Math.max(...rounds.map((r) => r.api.p99));
  console.log(`\nTarget: API p99 ≤ 5 ms — worst round ${fmt.ms(worst)} ms — ${worst <= 5 ? 'met' : 'NOT met'}`);
  if (rounds.some((r) => r.api.otherCpu > 20)) console.log('Warning: other processes used more than 20 % of a core: the machine was not quiet, figures may be high.');
  if (opts.cpuProf) console.log(`CPU profiles: ${readdirSync(opts.cpuProf).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(opts.cpuProf, f)).join(', ')}`);

  if (opts.json) {
    const file = resolve(WORKSPACE_ROOT, opts.json);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ startedAt: new Date().toISOString(), machine, options: opts, rounds }, null, 2));
    console.log(`\nAll figures: ${file}`);
  }
}
