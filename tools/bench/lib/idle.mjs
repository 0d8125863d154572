// `npm run bench -- --idle N`: N authenticated, idle sockets against Parley, and the server memory they cost.
//
// Registering thousands of accounts through the API would take minutes (argon2), so one account is
// registered and signed in through the API (the template), then the server is stopped and the template is
// copied straight into the SQLite file: its users row, its room memberships (#general, which every account
// joins) and session rows with fresh tokens (stored as SHA-256, as SessionsService does). The server is then
// restarted, so nothing of the seeding is cached in it, and every socket authenticates with a real session.
//
// Sockets per user (--idle-per-user, default 1: N distinct users): with K > 1 each socket has a session of
// its own (a device), and users connect their first socket before anyone's second. Presence changes go to
// a user's friends and direct/group rooms, not to public rooms like #general, so N users coming online do
// not push N² events; the report counts the events pushed to the idle sockets.
import { fork } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';
import { URL, fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { io } from 'socket.io-client';
import { createUsers } from './parley-setup.mjs';
import { cpuSeconds, memoryKb, openFileLimit } from './proc.mjs';
import { resolveApiMain, startParley } from './servers.mjs';
import { fmt, summarize, table } from './stats.mjs';

const WORKER = fileURLToPath(new URL('./idle-worker.mjs', import.meta.url));
/** Rows that are not the account's own state: never copied. */
const NOT_COPIED = new Set(['users', 'sessions', 'access_tokens', 'messages', 'login_lockouts']);
/** Parley's SOCKETS_PER_USER_MAX when not set. */
const SOCKETS_PER_USER_DEFAULT = 20;

/** Copies the template account `users` times, with `sessionsPerUser` sessions each: tokens[rank][user]. */
export function seedAccounts(dbFile, { templateId, users, sessionsPerUser }) {
  const db = new Database(dbFile);
  try {
    db.pragma('foreign_keys = ON');
    const user = db.prepare('SELECT * FROM users WHERE id = ?').get(templateId);
    const session = db.prepare('SELECT * FROM sessions WHERE userId = ? ORDER BY createdAt DESC LIMIT 1').get(templateId);
    if (!user || !session) throw new Error('the template account or its session is missing from the database');

    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all().map((r) => r.name);
    const owned = [];
    for (const name of tables.filter((t) => !NOT_COPIED.has(t))) {
      const columns = db.prepare(`PRAGMA table_info("${name}")`).all().map((c) => c.name);
      for (const fk of db.prepare(`PRAGMA foreign_key_list("${name}")`).all().filter((f) => f.table === 'users')) {
        const rows = db.prepare(`SELECT * FROM "${name}" WHERE "${fk.from}" = ?`).all(templateId);
        if (rows.length) owned.push({ name, column: fk.from, rows, hasId: columns.includes('id') });
      }
    }

    const inserters = new Map();
    const insert = (name, row) => {
      const cols = Object.keys(row);
      const key = `${name}:${cols.join(',')}`;
      if (!inserters.has(key)) inserters.set(key, db.prepare(`INSERT INTO "${name}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`));
      inserters.get(key).run(...cols.map((c) => row[c]));
    };
    const tokens = Array.from({ length: sessionsPerUser }, () => []);
    db.transaction(() => {
      for (let i = 0; i < users; i++) {
        const id = randomUUID();
        insert('users', { ...user, id, username: `idle${i}`, email: `idle${i}@bench.example.com`, displayName: `Idle ${i}` });
        for (const t of owned) for (const row of t.rows) insert(t.name, { ...row, [t.column]: id, ...(t.hasId ? { id: randomUUID() } : {}) });
        for (let r = 0; r < sessionsPerUser; r++) {
          const token = `pls_${randomBytes(32).toString('base64url')}`;
          insert('sessions', { ...session, id: randomUUID(), userId: id, tokenHash: createHash('sha256').update(token).digest('hex') });
          tokens[r].push(token);
        }
      }
    })();
    return { tokens, copied: ['users', `sessions (${sessionsPerUser} per account)`, ...owned.map((t) => `${t.name} (${t.rows.length} per account)`)] };
  } finally {
    db.close();
  }
}

function request(child, msg, replyType, onOther) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (m.type !== replyType) return onOther?.(m);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code) => reject(new Error(`idle worker exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (msg) child.send(msg);
  });
}

function connectTemplate(url, token) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { path: '/socket.io', auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(new Error(`Parley refused the socket: ${err.message}`)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function runIdle(opts, { onCleanup }) {
  const n = opts.idle;
  const limit = openFileLimit();
  console.log(`open-file limit (ulimit -n): ${limit}; the server needs about ${n + 100}, each of ${opts.idleWorkers} client processes about ${Math.ceil(n / opts.idleWorkers) + 100}`);
  if (!(limit >= n + 100)) throw new Error(`raise the open-file limit first (e.g. "ulimit -n ${Math.max(65536, n + 1000)}" in this shell)`);

  const perUser = opts.idlePerUser;
  const users = Math.ceil(n / perUser);
  const env = perUser > SOCKETS_PER_USER_DEFAULT ? { SOCKETS_PER_USER_MAX: String(perUser) } : {};
  const main = resolveApiMain(opts.apiMain);
  console.log(`\nParley: ${main}`);
  console.log(`${n} sockets = ${users} users × up to ${perUser} sockets, each socket with its own session; SOCKETS_PER_USER_MAX=${env.SOCKETS_PER_USER_MAX ?? `${SOCKETS_PER_USER_DEFAULT} (default)`}`);
  console.log('registering the template account through the API…');
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  onCleanup(async () => rmSync(dataDir, { recursive: true, force: true }));
  let server = await startParley({ main, env, dataDir });
  onCleanup(() => server.stop());
  const [template] = await createUsers(server.url, { count: 1, prefix: 'idletemplate' });
  await server.stop();

  const seedStart = performance.now();
  const seeded = seedAccounts(join(dataDir, 'parley.sqlite'), { templateId: template.id, users, sessionsPerUser: perUser });
  console.log(`copied the template ${users} times in ${Math.round(performance.now() - seedStart)} ms: ${seeded.copied.join(', ')}`);
  // Everyone's first socket, then everyone's second, …: one presence announcement per user, made early.
  const tokens = seeded.tokens.flat().slice(0, n);

  server = await startParley({ main, env, dataDir, probe: true });
  onCleanup(() => server.stop());
  const templateSocket = await connectTemplate(server.url, template.token); // warms the gateway's code paths
  await sleep(2000);
  const before = { usage: await server.memory(), proc: memoryKb(server.pid) };

  const workers = [];
  const connectStart = performance.now();
  const cpuStart = cpuSeconds(server.pid);
  const progress = new Array(opts.idleWorkers).fill(0);
  let lastPrint = 0;
  const replies = await Promise.all(
    Array.from({ length: opts.idleWorkers }, async (_, w) => {
      const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      workers.push(child);
      await request(child, null, 'ready');
      const mine = tokens.filter((_, i) => i % opts.idleWorkers === w);
      return request(child, { type: 'connect', url: server.url, tokens: mine, concurrency: 50 }, 'connected', (m) => {
        if (m.type !== 'progress') return;
        progress[w] = m.connected;
        if (performance.now() - lastPrint > 5000) {
          lastPrint = performance.now();
          console.log(`  ${progress.reduce((a, b) => a + b, 0)} / ${n} connected…`);
        }
      });
    }),
  );
  const closeWorkers = () => Promise.all(workers.map((w) => (w.connected ? request(w, { type: 'close' }, 'closed').catch(() => w.kill()) : undefined)));
  onCleanup(closeWorkers);
  const connectSeconds = (performance.now() - connectStart) / 1000;
  const connectCpu = ((cpuSeconds(server.pid) - cpuStart) / connectSeconds) * 100;
  const connected = replies.reduce((a, r) => a + r.connected, 0);
  const errors = {};
  for (const r of replies) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;

  console.log(`${connected} sockets connected in ${connectSeconds.toFixed(1)} s; holding them ${opts.idleHoldMs / 1000} s…`);
  await sleep(opts.idleHoldMs);
  const after = { usage: await server.memory(), proc: memoryKb(server.pid) };
  const status = await Promise.all(workers.map((w) => request(w, { type: 'status' }, 'status')));
  const open = status.reduce((a, s) => a + s.open, 0);
  const dropped = status.reduce((a, s) => a + s.dropped, 0);
  const received = status.reduce((a, s) => a + s.received, 0);

  await closeWorkers();
  templateSocket.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });

  const per = (bytesDelta) => bytesDelta / 1024 / Math.max(1, open);
  const rssDeltaKb = after.proc.rssKb - before.proc.rssKb;
  const result = {
    sockets: n,
    connected,
    open,
    dropped,
    connectErrors: errors,
    connectSeconds,
    connectRate: connected / connectSeconds,
    connectLatencyMs: summarize(replies.flatMap((r) => r.connectMs)),
    serverCpuWhileConnecting: connectCpu,
    eventsReceivedByIdleSockets: received,
    users,
    socketsPerUser: perUser,
    settings: env,
    before,
    after,
    perSocketKb: {
      rss: rssDeltaKb / Math.max(1, open),
      heapUsed: per(after.usage.heapUsed - before.usage.heapUsed),
      external: per(after.usage.external - before.usage.external),
    },
  };
  printIdle(result);
  return result;
}

function printIdle(r) {
  const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log('\n## Idle sockets (Parley)\n');
  console.log(
    table(
      ['', 'before', 'after', 'delta', 'per socket'],
      [
        ['RSS (/proc VmRSS)', fmt.mb(r.before.proc.rssKb), fmt.mb(r.after.proc.rssKb), fmt.mb(r.after.proc.rssKb - r.before.proc.rssKb), `${r.perSocketKb.rss.toFixed(1)} KB`],
        ['V8 heap used (after GC)', mb(r.before.usage.heapUsed), mb(r.after.usage.heapUsed), mb(r.after.usage.heapUsed - r.before.usage.heapUsed), `${r.perSocketKb.heapUsed.toFixed(1)} KB`],
        ['external (after GC)', mb(r.before.usage.external), mb(r.after.usage.external), mb(r.after.usage.external - r.before.usage.external), `${r.perSocketKb.external.toFixed(1)} KB`],
      ],
    ),
  );
  const errs = Object.entries(r.connectErrors).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none';
  console.log(`\nsockets: ${r.sockets} asked, ${r.connected} connected (${fmt.int(r.connectRate)}/s, server CPU ${fmt.int(r.serverCpuWhileConnecting)} % meanwhile), ${r.open} still open when measured, ${r.dropped} dropped; refused: ${errs}`);
  console.log(`time to connect one socket (50 in flight per client process): p50 ${fmt.ms(r.connectLatencyMs.p50)} ms, p99 ${fmt.ms(r.connectLatencyMs.p99)} ms`);
  console.log(`events pushed to the idle sockets while connecting and holding (presence and the like): ${fmt.int(r.eventsReceivedByIdleSockets)}`);
  console.log(`${r.users} users with up to ${r.socketsPerUser} sockets each; every user is in #general (presence is not announced in public rooms)`);
  const ok = r.perSocketKb.rss <= 45;
  console.log(`target ≤ 45 KB per socket (RSS): ${r.perSocketKb.rss.toFixed(1)} KB — ${ok ? 'met' : 'NOT met'}`);
}
