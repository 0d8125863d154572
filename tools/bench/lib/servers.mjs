// Starting and stopping the two servers under test as child processes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { URL, fileURLToPath } from 'node:url';

export const WORKSPACE_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const BARE_SERVER = fileURLToPath(new URL('../bare-server.mjs', import.meta.url));
const BARE_HISTORY_SERVER = fileURLToPath(new URL('./bare-history-server.mjs', import.meta.url));
const PROBE = fileURLToPath(new URL('./server-probe.cjs', import.meta.url));
const EXIT_ON_SHUTDOWN = fileURLToPath(new URL('./exit-on-shutdown.cjs', import.meta.url));

/** Node flags that write a CPU profile of the server into `dir` when it stops (--profile). */
const profileArgs = (dir, name) => (dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : []);
const DEFAULT_API_MAIN = join(WORKSPACE_ROOT, 'dist', 'apps', 'api', 'main.js');

export async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

function track(child, name) {
  let out = '';
  child.stdout?.on('data', (d) => (out += d.toString()));
  child.stderr?.on('data', (d) => (out += d.toString()));
  const exited = new Promise((ok) => child.once('exit', (code, signal) => ok(code ?? signal)));
  let finished = false;
  void exited.then(() => (finished = true));
  return {
    name,
    pid: child.pid,
    process: child,
    output: () => out,
    get running() {
      return !finished;
    },
    exited,
    /** SIGTERM, then SIGKILL after `graceMs`. */
    async stop(graceMs = 10_000) {
      if (finished) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Spawns `script`, which prints one JSON line with `"listening"` when ready; resolves with it tracked and that line. */
async function startListening(script, name, { args = [], env = {} } = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, [...args, script], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = track(child, name);
  const deadline = Date.now() + 10_000;
  while (!server.output().includes('"listening"')) {
    if (!server.running) throw new Error(`The ${name} server exited during start-up:\n${server.output()}`);
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`The ${name} server did not start in time`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const ready = JSON.parse(server.output().split('\n').find((l) => l.includes('"listening"')));
  return { ...server, url: `http://127.0.0.1:${port}`, port, ready };
}

/** The bare Socket.IO reference server; resolves once it listens. */
export async function startBareServer({ profileDir, env = {} } = {}) {
  const server = await startListening(BARE_SERVER, 'bare', { args: profileArgs(profileDir, 'bare'), env });
  return { ...server, socketIo: server.ready.socketIo };
}

/** The bare HTTP reference of the history benchmark (lib/bare-history-server.mjs) on `dbFile`; resolves once it listens. */
export function startBareHistoryServer({ dbFile, token }) {
  return startListening(BARE_HISTORY_SERVER, 'bare-history', { env: { DB_FILE: dbFile, BARE_TOKEN: token } });
}

/** The API entry point to run: --api-main, else dist/apps/api/main.js, built with Nx when missing. */
export function resolveApiMain(apiMain) {
  if (apiMain) {
    const main = resolve(WORKSPACE_ROOT, apiMain);
    if (!existsSync(main)) throw new Error(`--api-main ${main} does not exist`);
    return main;
  }
  if (!existsSync(DEFAULT_API_MAIN)) {
    console.log('dist/apps/api/main.js is missing: building the API (npx nx run api:build)…');
    const res = spawnSync('npx', ['nx', 'run', 'api:build', '--outputStyle=static'], { cwd: WORKSPACE_ROOT, stdio: 'inherit' });
    if (res.status !== 0 || !existsSync(DEFAULT_API_MAIN)) throw new Error('Building the API failed');
  }
  return DEFAULT_API_MAIN;
}

/**
 * Parley from the built API on a temporary DATA_DIR (SQLite). `env` is added to the defaults below.
 * With `probe`, the server runs with --expose-gc and lib/server-probe.cjs so `memory()` can ask it for
 * process.memoryUsage() after a full garbage collection.
 */
export async function startParley({ main, env = {}, dataDir, probe = false, profileDir, timeoutMs = 60_000 }) {
  const ownDir = !dataDir;
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const port = await freePort();
  const fullEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dir,
    DATABASE_URL: '',
    LOG_LEVEL: 'warn',
    // Setup registers and signs in many accounts from one address; the limits themselves are not measured.
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    RATE_LIMIT_API_PER_MINUTE: '1000000',
    ...env,
  };
  const args = [...(profileDir ? [...profileArgs(profileDir, 'parley'), '-r', EXIT_ON_SHUTDOWN] : []), ...(probe ? ['--expose-gc', '-r', PROBE] : []), main];
  const stdio = probe ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'];
  const child = spawn(process.execPath, args, { env: fullEnv, cwd: WORKSPACE_ROOT, stdio });
  const server = track(child, 'parley');
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (!server.running) throw new Error(`Parley exited during start-up:\n${server.output().slice(-3000)}`);
    if (Date.now() > deadline) {
      await server.stop(1000);
      throw new Error(`Parley did not become healthy in time:\n${server.output().slice(-3000)}`);
    }
    try {
      const res = await globalThis.fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let probeId = 0;
  return {
    ...server,
    url,
    port,
    dataDir: dir,
    env: fullEnv,
    /** process.memoryUsage() of the server after a full GC (needs `probe`). */
    memory() {
      const id = ++probeId;
      return new Promise((ok, fail) => {
        const timer = setTimeout(() => fail(new Error('the server did not answer the memory probe')), 30_000);
        const onMessage = (m) => {
          if (m?.type !== 'bench:memory' || m.id !== id) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          ok(m.usage);
        };
        child.on('message', onMessage);
        child.send({ type: 'bench:memory', id, gc: true });
      });
    },
    async dispose() {
      await server.stop();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
