import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent, IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import request from 'supertest';
import { startServer, withServer, WORKSPACE_ROOT } from '@parley/testing';

function runWithEnv(env: Record<string, string>) {
  return spawnSync(process.execPath, [join(WORKSPACE_ROOT, 'dist/apps/api/main.js')], {
    env: { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-cfg-')), PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

/** A request through `agent`, telling whether it went out on a socket the agent kept from an earlier request. */
function viaAgent(agent: Agent, url: string, json?: object): Promise<{ statusCode: number; headers: IncomingHttpHeaders; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const body = json ? JSON.stringify(json) : undefined;
    const headers = body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {};
    const req = httpRequest(url, { agent, method: body ? 'POST' : 'GET', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, reusedSocket: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('configuration', () => {
  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be a whole number \(got "abc"\)$/],
    [{ PORT: '70000' }, /^Invalid configuration: PORT must be at most 65535/],
    [{ REGISTRATION: 'sometimes' }, /^Invalid configuration: REGISTRATION /],
    [{ REGISTRATION: 'domain' }, /^Invalid configuration: ALLOWED_EMAIL_DOMAINS must list at least one domain/],
    [{ DATABASE_URL: 'mysql://x' }, /^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL/],
    [{ SECRET_KEY: 'short' }, /^Invalid configuration: SECRET_KEY must be at least 32 characters/],
    [{ LOGIN_LOCKOUT_THRESHOLD: '-1' }, /^Invalid configuration: LOGIN_LOCKOUT_THRESHOLD must be a whole number/],
  ])('stops at start-up with one line naming the variable for %j', (env, line) => {
    const res = runWithEnv(env as Record<string, string>);
    expect(res.status).toBe(1);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  it('never prints a secret value in a configuration error', () => {
    const res = runWithEnv({ DATABASE_URL: 'mysql://user:hunter2@db' });
    expect(res.stderr).not.toContain('hunter2');
  });
});

describe('the server process', () => {
  it('creates the SQLite file and a private secret key under DATA_DIR on first start', async () => {
    await withServer({}, async (server) => {
      expect(existsSync(join(server.dataDir, 'parley.sqlite'))).toBe(true);
      const key = join(server.dataDir, 'secret.key');
      expect(statSync(key).mode & 0o777).toBe(0o600);
      expect(readFileSync(key, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    });
  });

  it('reports liveness and database readiness', async () => {
    await withServer({}, async (server) => {
      const res = await request(server.url).get('/api/health').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', live: true, ready: true, database: 'sqlite' });
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  it('sends security headers, with a strict CSP on API answers', async () => {
    await withServer({}, async (server) => {
      const res = await request(server.url).get('/api/health');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-request-id']).toBeDefined();
    });
  });

  it('sends no Strict-Transport-Security over plain HTTP, whatever the host name', async () => {
    await withServer({}, async (server) => {
      const res = await request(server.url).get('/api/health').set('Host', 'chat.example.test').expect(200);
      expect(res.headers['strict-transport-security']).toBeUndefined();
    });
  });

  it('drains and exits on SIGTERM, finishing a request in flight, and keeps data across restarts', async () => {
    const server = await startServer({ env: { LOG_LEVEL: 'info' } });
    const dataDir = server.dataDir;
    try {
      const data = { username: `keep.${Date.now()}`, email: `keep.${Date.now()}@example.com`, password: 'meadow copper violin harbor' };
      // A client that keeps its connection open after the answer: the process must not wait for it to idle out.
      const agent = new Agent({ keepAlive: true, timeout: 120_000 });
      const pending = viaAgent(agent, `${server.url}/api/auth/register`, data);
      await new Promise((r) => setTimeout(r, 5));
      // Exit code 1 would be the shutdown timeout ("shutdown took too long").
      const exit = await server.stop('SIGTERM');
      agent.destroy();
      expect([0, 'SIGTERM']).toContain(exit);
      expect((await pending).statusCode).toBe(201);
      expect(server.output()).toMatch(/shutting down/);

      const again = await startServer({ dataDir });
      try {
        await request(again.url).post('/api/auth/login').send({ login: data.username, password: data.password }).expect(200);
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps an idle connection open longer than a client or proxy does, so reusing it never meets a closing socket', async () => {
    await withServer({}, async (server) => {
      // An agent that keeps idle sockets as long as the server announces (Node's own default is 5 s).
      const agent = new Agent({ keepAlive: true, timeout: 120_000 });
      try {
        const first = await viaAgent(agent, `${server.url}/api/health`);
        expect(first.headers['keep-alive']).toBe('timeout=65');
        // Longer than Node's 5 s default, at which the server used to close the socket under the client.
        await new Promise((r) => setTimeout(r, 6_000));
        const second = await viaAgent(agent, `${server.url}/api/health`);
        expect(second.statusCode).toBe(200);
        expect(second.reusedSocket).toBe(true);
      } finally {
        agent.destroy();
      }
    });
  });

  it('never logs passwords or tokens', async () => {
    await withServer({ env: { LOG_LEVEL: 'trace' } }, async (server) => {
      const data = { username: `log.${Date.now()}`, email: `log.${Date.now()}@example.com`, password: 'saffron glacier piano thimble' };
      await request(server.url).post('/api/auth/register').send(data).expect(201);
      const res = await request(server.url).post('/api/auth/login').send({ login: data.username, password: data.password }).expect(200);
      await request(server.url).get('/api/auth/me').set('Authorization', `Bearer ${res.body.token}`).expect(200);
      await request(server.url).post('/api/auth/login').send({ login: data.username, password: 'wrong but secret words' }).expect(401);
      await new Promise((r) => setTimeout(r, 200));
      const out = server.output();
      expect(out).toContain('/api/auth/login');
      expect(out).not.toContain(data.password);
      expect(out).not.toContain('wrong but secret words');
      expect(out).not.toContain(res.body.token);
    });
  });
});

describe('CORS', () => {
  it('answers preflights only for the configured origins', async () => {
    await withServer({ env: { ALLOWED_ORIGINS: 'https://intranet.example.com' } }, async (server) => {
      const ok = await request(server.url)
        .options('/api/users/me')
        .set('Origin', 'https://intranet.example.com')
        .set('Access-Control-Request-Method', 'PATCH');
      expect(ok.headers['access-control-allow-origin']).toBe('https://intranet.example.com');
      expect(ok.headers['access-control-allow-credentials']).toBe('true');
      const other = await request(server.url)
        .options('/api/users/me')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'PATCH');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
