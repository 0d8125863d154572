// `npm run bench -- --nodes 2`: two server processes behind one load, sharing state the way a scaled-out
// installation does. Bare: two bare Socket.IO servers joined by @socket.io/redis-streams-adapter. Parley:
// two API processes on one PostgreSQL database with REDIS_URL. Both pairs use a private redis-server
// started here on a free port; clients alternate between the two processes, so most deliveries cross
// from one process to the other through Redis.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout } from 'node:timers';
import { URL } from 'node:url';
import pg from 'pg';
import { createRooms, createUsers } from './parley-setup.mjs';
import { freePort, resolveApiMain, startBareServer, startParley } from './servers.mjs';

/** The PostgreSQL server on this machine (trust authentication); PG_ADMIN_URL overrides. */
const PG_ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A redis-server of the benchmark's own (no persistence) on a free port. */
export async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((ok) => child.once('exit', ok));
  child.once('error', (err) => (out += `\n${err.message}`));
  const deadline = Date.now() + 10_000;
  while (!/Ready to accept connections/i.test(out)) {
    if (child.exitCode !== null || /ENOENT/.test(out)) throw new Error(`redis-server did not start (is it installed?):\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A fresh PostgreSQL database for the Parley pair; `drop()` removes it. */
export async function createDatabase() {
  const name = `parley_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Presents two processes as one server to run.mjs's benchServer (url/pid of the first, urls/pids of both). */
function asOne(servers) {
  return {
    name: servers[0].name,
    url: servers[0].url,
    urls: servers.map((s) => s.url),
    pid: servers[0].pid,
    pids: servers.map((s) => s.pid),
    get running() {
      return servers.every((s) => s.running);
    },
    output: () => servers.map((s, i) => `--- process ${i + 1}\n${s.output()}`).join('\n'),
    stop: () => Promise.all(servers.map((s) => s.stop())),
  };
}

/**
 * Runs one server kind as a pair. `run` holds run.mjs's helpers: benchServer, layout, throttleEnv, onCleanup,
 * THROTTLE_DEFAULT.
 */
export async function benchPair(name, opts, run) {
  const redis = await startRedis();
  run.onCleanup(() => redis.stop());
  console.log(`\n# ${name === 'bare' ? 'bare Socket.IO' : 'Parley'}: 2 processes, private redis-server at ${redis.url}`);
  try {
    return name === 'bare' ? await barePair(opts, run, redis) : await parleyPair(opts, run, redis);
  } finally {
    await redis.stop();
  }
}

async function barePair(opts, run, redis) {
  const servers = [];
  try {
    for (let i = 0; i < 2; i++) servers.push(await startBareServer({ env: { REDIS_URL: redis.url } }));
    run.onCleanup(() => Promise.all(servers.map((s) => s.stop())));
    console.log(`  socket.io ${servers[0].socketIo}, @socket.io/redis-streams-adapter on ioredis, clients alternate between the processes`);
    const clients = run.layout(opts, (r) => `room-${r}`).map((c) => ({ ...c, auth: { userId: `user-${c.index}`, rooms: [c.roomId] } }));
    return { settings: { socketIo: servers[0].socketIo, nodes: 2, adapter: '@socket.io/redis-streams-adapter' }, ...(await run.benchServer('bare', asOne(servers), clients, opts)) };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

async function parleyPair(opts, run, redis) {
  const main = resolveApiMain(opts.apiMain);
  const throttle = run.throttleEnv(opts);
  const db = await createDatabase();
  run.onCleanup(() => db.drop());
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'parley-bench-')));
  run.onCleanup(async () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  // Both processes must agree on the secret (CSRF tokens) and the master key (encryption at rest), and share the
  // database and Redis.
  const env = {
    ...throttle.env,
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    MASTER_KEY: randomBytes(32).toString('base64'),
  };
  console.log(`  API: ${main}; PostgreSQL database ${new URL(db.url).pathname.slice(1)}, REDIS_URL=${redis.url}`);
  const servers = [];
  try {
    const setup = await startParley({ main, env, dataDir: dirs[0] });
    let users;
    let roomOf;
    try {
      users = await createUsers(setup.url, { count: opts.clients, prefix: `b${Date.now().toString(36)}u` });
      roomOf = await createRooms(setup.url, users, { roomSize: opts.roomSize, prefix: 'Bench' });
    } finally {
      await setup.stop();
    }
    // One at a time: the first runs the migrations (none left here), the second finds them done.
    const profileDir = opts.profile && resolve(opts.profile);
    for (const dir of dirs) servers.push(await startParley({ main, env, dataDir: dir, profileDir }));
    run.onCleanup(() => Promise.all(servers.map((s) => s.stop())));
    const clients = run.layout(opts, () => '').map((c) => ({ ...c, roomId: roomOf[c.index], auth: { token: users[c.index].token } }));
    return { settings: { main, nodes: 2, database: 'postgres', redis: true, ...throttle.env }, ...(await run.benchServer('parley', asOne(servers), clients, opts)) };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await db.drop().catch(() => undefined);
  }
}
