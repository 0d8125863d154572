/**
 * Starts the real, built Parley server (dist/apps/api/main.js) as a child process on a free port with its
 * own temporary DATA_DIR, for end-to-end tests (API and browser). Build first: `nx run api:build`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const WORKSPACE_ROOT = resolve(__dirname, '..', '..', '..');
/** PARLEY_API_MAIN points the tests at another build of the API (e.g. one built to a private outDir). */
const MAIN = process.env['PARLEY_API_MAIN'] ? resolve(WORKSPACE_ROOT, process.env['PARLEY_API_MAIN']) : join(WORKSPACE_ROOT, 'dist', 'apps', 'api', 'main.js');
/** PARLEY_WEB_DIST likewise points at another build of the web app. */
const WEB_DIST = process.env['PARLEY_WEB_DIST'] ? resolve(WORKSPACE_ROOT, process.env['PARLEY_WEB_DIST']) : join(WORKSPACE_ROOT, 'dist', 'apps', 'web', 'browser');

export interface RunningServer {
  /** `http://127.0.0.1:<port>`, or `https://…` when the server was started with TLS_CERT_FILE. */
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** Sends the signal (SIGTERM by default) and resolves with the exit code (or signal name) once it exits. */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
  /** Stops the server and removes its data directory (unless it was given by the caller). */
  dispose(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment; overrides the test defaults below. */
  env?: Record<string, string>;
  /** Reuse a data directory (to restart on the same database). A new temp dir otherwise. */
  dataDir?: string;
  timeoutMs?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    // The server binds a port the system chooses and says which over IPC: a port picked here and handed over
    // could be taken by another test's server in between, whose health check would then pass for this one.
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    WEB_DIST_DIR: WEB_DIST,
    LOG_LEVEL: 'warn',
    // Tests register many accounts from one IP; the limits themselves are tested with explicit values.
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    RATE_LIMIT_API_PER_MINUTE: '1000000',
    ...opts.env,
  };
  const child = spawn(process.execPath, [MAIN], { env, cwd: WORKSPACE_ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let port = 0;
  child.on('message', (m: { type?: string; port?: number }) => {
    if (m?.type === 'parley:listening' && typeof m.port === 'number') port = m.port;
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string | null>((ok) => child.once('exit', (code, signal) => ok(code ?? signal)));

  const scheme = env['TLS_CERT_FILE'] ? 'https' : 'http';
  let url = '';
  // A busy machine (two cores, browsers and other servers running) can take a while to boot Nest.
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let finished = false;
  let running = false;
  let stopping = false;
  void exited.then((how) => {
    finished = true;
    // A server that dies under a test makes its requests fail with ECONNRESET or ECONNREFUSED, which say nothing
    // of why: its own last words do.
    if (running && !stopping) process.stderr.write(`\nParley at ${url} exited on its own (${how}) during a test. Its last output:\n${out.slice(-4000)}\n`);
  });
  while (true) {
    if (finished) throw new Error(`Parley exited during start-up:\n${out.slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Parley did not become healthy in time:\n${out.slice(-2000)}`);
    }
    if (port) {
      url = `${scheme}://127.0.0.1:${port}`;
      if (await healthy(url)) break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  running = true;

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    stopping = true;
    if (!finished) child.kill(signal);
    return exited;
  };
  return {
    url,
    port,
    dataDir,
    process: child,
    output: () => out,
    stop,
    dispose: async () => {
      await stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Whether /api/health answers 200. Over HTTPS the certificate is not checked here: tests that start a server
 * with TLS check the certificate it serves themselves.
 */
async function healthy(url: string): Promise<boolean> {
  if (url.startsWith('http:')) {
    try {
      return (await fetch(`${url}/api/health`)).ok;
    } catch {
      return false; // not listening yet
    }
  }
  return new Promise((resolve) => {
    const req = httpsGet(`${url}/api/health`, { rejectUnauthorized: false, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Runs `fn` against a server started for it alone, and always disposes of the server afterwards. */
export async function withServer<T>(opts: StartOptions, fn: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await startServer(opts);
  try {
    return await fn(server);
  } finally {
    await server.dispose();
  }
}
