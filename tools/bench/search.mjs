// `npm run bench:search` (after `npx nx run api:build`): message search over 1,000,000 encrypted messages.
// 1. A DATA_DIR with one user in a set of rooms holding `--messages` messages in all, written straight into
//    SQLite already encrypted (the installation's own data key, AES-256-GCM as the server writes them), then
//    cached under --data-dir so later runs reuse it.
// 2. The index: Parley started on it builds the search index in the background; the time until every room is
//    indexed gives the indexer's throughput (messages/s), next to the send rate a process sustains.
// 3. Searches through the API (one client, keep-alive, one request at a time, bearer token), per kind of query:
//    common and rare words, 3-character substrings, CJK words, a phrase, a query with no match. p50/p95/p99,
//    next to two bare references on the same file: the newest history page of a room straight from SQLite (the
//    floor of any read), and what the same search costs without an index (decrypt and scan, newest first).
// `--help` lists the options.
import Database from 'better-sqlite3';
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import { createUsers } from './lib/parley-setup.mjs';
import { CORES, cpuSeconds, machineBusySeconds, waitUntilQuiet } from './lib/proc.mjs';
import { resolveApiMain, startParley, WORKSPACE_ROOT } from './lib/servers.mjs';
import { fmt, summarize, table } from './lib/stats.mjs';

const HELP = `Parley search benchmark: GET /api/search over a set of rooms of 1,000,000 encrypted messages.

  npm run bench:search                     build (or reuse) tmp/bench/search-data, index it, measure

Options
  --messages N     messages in all (default 1000000)
  --rooms N        rooms they are spread over; the user is a member of all (default 10)
  --requests N     measured searches per kind of query (default 200)
  --data-dir DIR   where the database is built and kept (default tmp/bench/search-data)
  --rebuild        build the database again even if --data-dir holds one
  --api-main PATH  the built API (default dist/apps/api/main.js)
  --json PATH      also write every figure as JSON (default tmp/bench/search.json)`;

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    messages: { type: 'string', default: '1000000' },
    rooms: { type: 'string', default: '10' },
    requests: { type: 'string', default: '200' },
    'data-dir': { type: 'string', default: 'tmp/bench/search-data' },
    rebuild: { type: 'boolean', default: false },
    'api-main': { type: 'string' },
    json: { type: 'string', default: 'tmp/bench/search.json' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const opts = {
  messages: Number(values.messages),
  rooms: Number(values.rooms),
  requests: Number(values.requests),
  dataDir: resolve(WORKSPACE_ROOT, values['data-dir']),
};

const require = createRequire(import.meta.url);
const dist = (path) => require(join(WORKSPACE_ROOT, 'dist', 'apps', 'api', path));

// ---------------------------------------------------------------------------------------------------
// The messages: words drawn with a Zipf-like law (a few very common, most rare), 5 % of messages in
// Japanese, and two marker words of known frequency for the rare-word queries.
// ---------------------------------------------------------------------------------------------------
const COMMON = `the to and you for is it that on in we this be with have can i are will at do not just so what if
meeting deploy release review tomorrow today thanks please check build test issue fix update team call
customer report design server client database change branch merge ticket question idea plan`.split(/\s+/);
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'ta', 'sul', 'vo', 'pri', 'den', 'gar', 'ni', 'stel', 'ob', 'qua', 'fi', 'zor', 'bel', 'tu', 'cam', 'ex'];
const JAPANESE = ['東京', '大阪', '会議', '明日', '今日', '資料', '確認', 'タワー', 'お願いします', 'ありがとう', '予定', '変更', 'リリース', 'テスト', '新しい'];

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function vocabulary(random) {
  const words = [...COMMON];
  const seen = new Set(words);
  while (words.length < 20_000) {
    const n = 2 + Math.floor(random() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    if (!seen.has(w)) {
      words.push(w);
      seen.add(w);
    }
  }
  return words;
}

function bodies() {
  const random = rng(42);
  const words = vocabulary(random);
  const zipf = () => words[Math.min(words.length - 1, Math.floor(Math.exp(random() * Math.log(words.length + 1)) - 1))];
  return (i) => {
    if (i % 20 === 7) {
      const n = 2 + Math.floor(random() * 4);
      return Array.from({ length: n }, () => JAPANESE[Math.floor(random() * JAPANESE.length)]).join('');
    }
    const n = 4 + Math.floor(random() * 20);
    const out = Array.from({ length: n }, zipf);
    if (i % 10_000 === 3) out.splice(1, 0, 'xylophone'); // 100 in a million
    if (i % 200_000 === 11) out.splice(2, 0, 'quokka'); // 5 in a million
    out[0] = out[0][0].toUpperCase() + out[0].slice(1);
    return out.join(' ');
  };
}

/** SQLite's DATETIME text, as Parley's writer stores it. */
const sqliteTime = (ms) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** The installation's current data key, unwrapped with its master key from DATA_DIR/keys (as the server does). */
function currentDataKey(db, dataDir) {
  const { dataKey, unwrapDataKey } = dist('encryption/envelope.js');
  const { loadMasterKeys } = dist('encryption/master-keys.js');
  const row = db.prepare('SELECT id, "wrappedKey", "masterKeyId" FROM encryption_keys WHERE "retiredAt" IS NULL ORDER BY "createdAt" DESC LIMIT 1').get();
  const master = loadMasterKeys({ kind: 'dir', dir: join(dataDir, 'keys') }).find((k) => k.id === row.masterKeyId);
  return dataKey(row.id, unwrapDataKey(master.key, row.id, row.wrappedKey));
}

function fill(dataDir, { roomIds, senderId, count }) {
  const { sealText } = dist('encryption/envelope.js');
  const db = new Database(join(dataDir, 'parley.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const key = currentDataKey(db, dataDir);
  const insert = db.prepare(
    'INSERT INTO messages (id, "roomId", seq, rev, "senderId", body, "clientMsgId", "replyToId", "createdAt", kind, event) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, \'user\', NULL)',
  );
  const body = bodies();
  const start = Date.now() - count * 1000;
  const seqs = roomIds.map(() => 0);
  for (let from = 0; from < count; from += 50_000) {
    db.transaction(() => {
      for (let i = from; i < Math.min(count, from + 50_000); i++) {
        const r = i % roomIds.length;
        const seq = ++seqs[r];
        const id = randomUUID();
        insert.run(id, roomIds[r], seq, seq, senderId, sealText(key, body(i), `messages.body:${id}`), `s${i}`, sqliteTime(start + i * 1000));
      }
    })();
  }
  db.transaction(() => {
    roomIds.forEach((roomId, r) => {
      db.prepare('UPDATE rooms SET "lastSeq" = ?, "lastRev" = ?, "lastMessageAt" = ? WHERE id = ?').run(seqs[r], seqs[r], sqliteTime(start + count * 1000), roomId);
      db.prepare('UPDATE room_members SET "lastReadSeq" = ? WHERE "roomId" = ?').run(seqs[r], roomId);
    });
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  db.close();
}

/** The database's and the search index's files (an SQLite installation keeps the index in a file of its own beside the database). */
const FILES = ['parley.sqlite', 'parley.sqlite-wal', 'parley-search.sqlite', 'parley-search.sqlite-wal'];
const fileMb = (dataDir) => FILES.map((f) => join(dataDir, f)).reduce((mb, f) => mb + (existsSync(f) ? statSync(f).size / 2 ** 20 : 0), 0);
/** The search index file, read-only (the server creates it on start-up). */
const openIndex = (dataDir) => new Database(join(dataDir, 'parley-search.sqlite'), { readonly: true, fileMustExist: true });

/**
 * Postings in the SQLite index file, and the rows holding them: one row per posting before the index file's
 * schema version 2, one posting list per bucket and token since.
 */
function postingCounts(db) {
  const lists = db.prepare('SELECT count(*) AS n FROM search_postings').get().n;
  const columns = db.prepare('PRAGMA table_info(search_postings)').all().map((c) => c.name);
  const postings = columns.includes('ords') ? db.prepare('SELECT coalesce(sum(length(ords) / 2), 0) AS n FROM search_postings').get().n : lists;
  return { postings, lists };
}

async function prepare(main, onCleanup) {
  const marker = join(opts.dataDir, 'search-bench.json');
  if (!values.rebuild && existsSync(marker)) {
    const saved = JSON.parse(readFileSync(marker, 'utf8'));
    if (saved.messages === opts.messages && saved.rooms === opts.rooms && saved.indexed) {
      console.log(`  reusing ${fmt.int(saved.messages)} messages in ${saved.rooms} rooms in ${opts.dataDir} (indexed when built: ${fmt.int(saved.indexed.perSecond)} msgs/s)`);
      return saved;
    }
  }
  rmSync(opts.dataDir, { recursive: true, force: true });
  mkdirSync(opts.dataDir, { recursive: true });
  // Built without indexing, so that the indexing below is measured from the start.
  const setup = await startParley({ main, dataDir: opts.dataDir, env: { SEARCH_INDEXING: 'off' } });
  onCleanup(() => setup.stop());
  let user;
  const roomIds = [];
  try {
    [user] = await createUsers(setup.url, { count: 1, prefix: `s${Date.now().toString(36)}u` });
    for (let r = 0; r < opts.rooms; r++) {
      const res = await globalThis.fetch(`${setup.url}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
        body: JSON.stringify({ kind: 'group', name: `Search bench ${r}`, memberIds: [] }),
      });
      if (!res.ok) throw new Error(`POST /api/rooms → ${res.status}: ${await res.text()}`);
      roomIds.push((await res.json()).id);
    }
  } finally {
    await setup.stop();
  }
  const t0 = performance.now();
  fill(opts.dataDir, { roomIds, senderId: user.id, count: opts.messages });
  console.log(`  wrote ${fmt.int(opts.messages)} encrypted messages into ${opts.rooms} rooms straight into SQLite in ${((performance.now() - t0) / 1000).toFixed(1)} s (${fmt.int(fileMb(opts.dataDir))} MB)`);
  const before = fileMb(opts.dataDir);

  const server = await startParley({ main, dataDir: opts.dataDir });
  onCleanup(() => server.stop());
  const db = openIndex(opts.dataDir);
  const started = performance.now();
  const cpu0 = cpuSeconds(server.pid);
  let last = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const { n } = db.prepare('SELECT coalesce(sum("indexedRev"), 0) AS n FROM search_cursors').get();
    const seconds = (performance.now() - started) / 1000;
    if (n !== last && Math.floor(seconds) % 10 === 0) console.log(`  indexing: ${fmt.int(n)} messages after ${seconds.toFixed(0)} s`);
    last = n;
    if (n >= opts.messages) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const indexed = {
    seconds,
    perSecond: opts.messages / seconds,
    serverCpu: ((cpuSeconds(server.pid) - cpu0) / seconds) * 100,
    ...postingCounts(db),
  };
  db.close();
  await server.stop();
  indexed.addedMb = fileMb(opts.dataDir) - before;
  console.log(`  indexed ${fmt.int(opts.messages)} messages in ${seconds.toFixed(1)} s: ${fmt.int(indexed.perSecond)} msgs/s (server CPU ${fmt.int(indexed.serverCpu)} %), ${fmt.int(indexed.postings)} postings in ${fmt.int(indexed.lists)} rows, +${fmt.int(indexed.addedMb)} MB`);
  const saved = { messages: opts.messages, rooms: opts.rooms, user, roomIds, indexed };
  writeFileSync(marker, JSON.stringify(saved));
  return saved;
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

async function measure(n, fn, serverPid) {
  const samples = new Float64Array(n);
  const srv0 = serverPid ? cpuSeconds(serverPid) : NaN;
  const machine0 = machineBusySeconds();
  const cpu0 = cpuSeconds(process.pid);
  const t0 = performance.now();
  let extra;
  for (let i = 0; i < n; i++) {
    const at = performance.now();
    extra = await fn(i);
    samples[i] = performance.now() - at;
  }
  const seconds = (performance.now() - t0) / 1000;
  const pct = (s) => (s / seconds) * 100;
  const serverCpu = serverPid ? pct(cpuSeconds(serverPid) - srv0) : NaN;
  return { ...summarize(samples), serverCpu, otherCpu: pct(machineBusySeconds() - machine0) - pct(cpuSeconds(process.pid) - cpu0) - (serverCpu || 0), extra };
}

const QUERIES = [
  { kind: 'common word', q: 'meeting' },
  { kind: 'very common 3 chars', q: 'the' },
  { kind: '3-char substring', q: 'ren' },
  { kind: 'mid-frequency word', q: 'stelka' },
  { kind: 'rare word (100 hits)', q: 'xylophone' },
  { kind: 'very rare word (5 hits)', q: 'quokka' },
  { kind: 'CJK 2 chars', q: '東京' },
  { kind: 'CJK word', q: 'お願いします' },
  { kind: 'phrase', q: 'review the' },
  { kind: 'no match', q: 'zzqxv' },
];

/** The same search without an index: the newest messages of the rooms, decrypted and scanned until 20 match. */
function scanWithoutIndex(db, key, roomIds, q) {
  const { openSealedText } = dist('encryption/envelope.js');
  const stmt = db.prepare(`SELECT id, body FROM messages WHERE "roomId" IN (${roomIds.map(() => '?').join(',')}) ORDER BY "createdAt" DESC`);
  let hits = 0;
  for (const row of stmt.iterate(...roomIds)) {
    const text = openSealedText(key, row.body, `messages.body:${row.id}`).normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    if (text.includes(q) && ++hits === 20) break;
  }
  return hits;
}

/**
 * The indexer against the send rate: `clients` clients send as fast as the API takes them for `seconds` (REST,
 * keep-alive), spread over the rooms; then the time until every change is indexed.
 */
async function sendAndFollow(server, prepared, db, { seconds = 15, clients = 32 } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${prepared.user.token}` };
  const body = bodies();
  let sent = 0;
  const end = performance.now() + seconds * 1000;
  const post = (roomId, payload) =>
    new Promise((ok, fail) => {
      const req = request(`${server.url}/api/rooms/${roomId}/messages`, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? ok() : fail(new Error(`POST message → ${res.statusCode}`))));
      });
      req.on('error', fail);
      req.end(JSON.stringify(payload));
    });
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (performance.now() < end) {
        const i = sent++;
        await post(prepared.roomIds[(c + i) % prepared.roomIds.length], { body: body(i), clientMsgId: `sustained-${Date.now()}-${c}-${i}` });
      }
    }),
  );
  const stopped = performance.now();
  agent.destroy();
  const target = () => db.prepare(`SELECT coalesce(sum("lastRev"), 0) AS n FROM rooms WHERE id IN (${prepared.roomIds.map(() => '?').join(',')})`).get(...prepared.roomIds).n;
  const index = openIndex(dirname(db.name));
  const indexed = () => index.prepare('SELECT coalesce(sum(c."indexedRev"), 0) AS n FROM search_cursors c JOIN search_periods p ON p.id = c.period AND p.state = \'ready\'').get().n;
  const want = target();
  while (indexed() < want) await new Promise((r) => setTimeout(r, 50));
  index.close();
  return { sent, seconds, clients, perSecond: sent / seconds, lagSeconds: (performance.now() - stopped) / 1000 };
}

async function main() {
  const cleanups = [];
  const onCleanup = (fn) => cleanups.push(fn);
  try {
    const machine = { cores: CORES, cpu: cpus()[0]?.model, memoryGb: +(totalmem() / 2 ** 30).toFixed(1), node: process.version };
    console.log(`Parley search benchmark — ${new Date().toISOString()}`);
    console.log(`machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}; the client runs on the same machine`);
    const apiMain = resolveApiMain(values['api-main']);
    const prepared = await prepare(apiMain, onCleanup);
    // Sends are not throttled per user here: the sustained part below sends as fast as the server takes them.
    const server = await startParley({ main: apiMain, dataDir: opts.dataDir, env: { SOCKET_SEND_RATE_PER_SECOND: '100000', SOCKET_SEND_BURST: '100000' } });
    onCleanup(() => server.stop());
    const headers = { authorization: `Bearer ${prepared.user.token}` };
    const db = new Database(join(opts.dataDir, 'parley.sqlite'), { readonly: true });
    const key = currentDataKey(db, opts.dataDir);
    const newest = db.prepare('SELECT * FROM messages WHERE "roomId" = ? ORDER BY seq DESC LIMIT 21');

    const results = [];
    for (const { kind, q } of QUERIES) {
      // Once, first: without an index a rare word means decrypting every message (seconds, during which an
      // idle keep-alive connection would time out).
      const scan = await measure(1, async () => scanWithoutIndex(db, key, prepared.roomIds, q.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()));
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const url = `${server.url}/api/search?q=${encodeURIComponent(q)}&limit=20`;
      const get = async () => {
        const res = await httpGet(agent, url, headers);
        if (res.status !== 200) throw new Error(`GET /api/search?q=${q} → ${res.status}: ${res.body.toString().slice(0, 300)}`);
        return JSON.parse(res.body.toString());
      };
      const first = await get();
      if (first.indexing) console.log('  warning: the index was not complete');
      for (let i = 0; i < 20; i++) await get();
      await waitUntilQuiet(server.pid);
      const api = await measure(opts.requests, async () => (await get()).results.length, server.pid);
      agent.destroy();
      const floor = await measure(opts.requests, async (i) => newest.all(prepared.roomIds[i % prepared.roomIds.length]).length);
      results.push({ kind, q, results: first.results.length, api, floor, scan });
      console.log(
        `  ${kind} "${q}": ${first.results.length} results; API p50/p95/p99 ${fmt.ms(api.p50)}/${fmt.ms(api.p95)}/${fmt.ms(api.p99)} ms (server CPU ${fmt.int(api.serverCpu)} %, other ${fmt.int(api.otherCpu)} %); ` +
          `bare newest page ${fmt.ms(floor.p50)}/${fmt.ms(floor.p99)} ms; without an index ${fmt.ms(scan.p50)} ms`,
      );
    }
    const sustained = await sendAndFollow(server, prepared, db);
    db.close();

    console.log(`\n## Search over ${fmt.int(opts.messages)} encrypted messages in ${opts.rooms} rooms (the user is in all), ${fmt.int(opts.requests)} searches per query\n`);
    console.log(
      table(
        ['query', 'results', 'API p50 (ms)', 'API p95 (ms)', 'API p99 (ms)', 'bare newest page p99 (ms)', 'no index: scan (ms)', 'server CPU', 'other CPU'],
        results.map((r) => [`${r.kind}: ${r.q}`, r.results, fmt.ms(r.api.p50), fmt.ms(r.api.p95), fmt.ms(r.api.p99), fmt.ms(r.floor.p99), fmt.ms(r.scan.p50), `${fmt.int(r.api.serverCpu)} %`, `${fmt.int(r.api.otherCpu)} %`]),
      ),
    );
    const worst = Math.max(...results.map((r) => r.api.p99));
    console.log(`\nTarget: API p99 ≤ 100 ms for every query — worst ${fmt.ms(worst)} ms — ${worst <= 100 ? 'met' : 'NOT met'}`);
    const ix = prepared.indexed;
    console.log(
      `Indexer: ${fmt.int(ix.perSecond)} msgs/s catching up on ${fmt.int(opts.messages)} messages (${ix.seconds.toFixed(1)} s, server CPU ${fmt.int(ix.serverCpu)} %), against a send rate of 1,000–2,000 msgs/s for one process; ${fmt.int(ix.postings)} postings in ${fmt.int(ix.lists ?? ix.postings)} rows, +${fmt.int(ix.addedMb)} MB on disk`,
    );
    console.log(
      `Sustained: ${fmt.int(sustained.sent)} messages sent through the API in ${sustained.seconds} s (${fmt.int(sustained.perSecond)} msgs/s, ${sustained.clients} clients) while the indexer ran; all of them indexed ${sustained.lagSeconds.toFixed(1)} s after the last send`,
    );
    if (results.some((r) => r.api.otherCpu > 20)) console.log('Warning: other processes used more than 20 % of a core: the machine was not quiet, figures may be high.');
    const file = resolve(WORKSPACE_ROOT, values.json);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ startedAt: new Date().toISOString(), machine, options: opts, indexed: ix, results, sustained }, null, 2));
    console.log(`\nAll figures: ${file}`);
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

await main();
