import { CSRF_COOKIE, LoginResponse, Message, RoomSummary, SESSION_COOKIE } from '@parley/contracts';
import { freePort, RunningServer, startServer, WORKSPACE_ROOT } from '@parley/testing';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DevCertificate, devCertificate, servedFingerprint } from './support/certificates';
import { makeUser } from './support/factories';
import { call, ClientSocket, connect, errorOf, next, sleep } from './support/sockets';

/** A name in the certificate (dev-cert adds it) that is not a loopback name, as a real deployment's would be. */
const PUBLIC_NAME = 'chat.example.test';

/** A plain HTTP request to 127.0.0.1:`port` with exactly this Host header (none if undefined) and request target. */
function plainHttp(port: number, path: string, host?: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', setHost: false, headers: host === undefined ? {} : { host } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode!, location: res.headers.location });
    });
    req.once('error', reject);
    req.end();
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(200);
  }
}

describe('HTTPS and WSS with TLS_CERT_FILE and TLS_KEY_FILE', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-https-'));
    dirs.push(dir);
    return dir;
  };
  let served: DevCertificate;
  let server: RunningServer;
  let redirectPort: number;

  beforeAll(async () => {
    served = devCertificate(tempDir(), [PUBLIC_NAME]);
    redirectPort = await freePort();
    server = await startServer({
      env: { TLS_CERT_FILE: served.certFile, TLS_KEY_FILE: served.keyFile, HTTP_REDIRECT_PORT: String(redirectPort), LOG_LEVEL: 'info' },
    });
  });
  afterAll(async () => {
    await server.dispose();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Replaces the served files' contents with another pair, as a renewal that writes in place would. */
  function overwriteServedFiles(pair: { certFile: string; keyFile: string }): void {
    copyFileSync(pair.keyFile, served.keyFile);
    copyFileSync(pair.certFile, served.certFile);
  }

  it('serves the API over HTTPS with the certificate, and sets the session cookies Secure', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const data = makeUser();
    await request(server.url).post('/api/auth/register').ca(served.pem).send(data).expect(201);
    const login = await request(server.url).post('/api/auth/login').ca(served.pem).send({ login: data.username, password: data.password }).expect(200);
    const cookies = login.headers['set-cookie'] as unknown as string[];
    for (const name of [SESSION_COOKIE, CSRF_COOKIE]) {
      const cookie = cookies.find((c) => c.startsWith(`${name}=`));
      expect(cookie).toMatch(/; Secure/i);
    }
    const me = await request(server.url).get('/api/users/me').ca(served.pem).set('Authorization', `Bearer ${(login.body as LoginResponse).token}`).expect(200);
    expect(me.body.username).toBe(data.username);
    expect(await servedFingerprint(server.port)).toBe(served.fingerprint256);
  });

  it('sends HSTS to a public host name, never to localhost or 127.0.0.1', async () => {
    const pub = await request(server.url).get('/api/health').ca(served.pem).set('Host', `${PUBLIC_NAME}:${server.port}`).expect(200);
    expect(pub.headers['strict-transport-security']).toBe('max-age=15552000');
    const viaLocalhost = await request(server.url).get('/api/health').ca(served.pem).set('Host', `localhost:${server.port}`).expect(200);
    expect(viaLocalhost.headers['strict-transport-security']).toBeUndefined();
    const viaLoopbackAddress = await request(server.url).get('/api/health').ca(served.pem).expect(200); // Host: 127.0.0.1:<port>
    expect(viaLoopbackAddress.headers['strict-transport-security']).toBeUndefined();
  });

  it('carries Socket.IO over WSS: a message sent on one socket reaches another member', async () => {
    const [ana, ben] = [makeUser(), makeUser()];
    const tokens: string[] = [];
    for (const who of [ana, ben]) {
      await request(server.url).post('/api/auth/register').ca(served.pem).send(who).expect(201);
      const login = await request(server.url).post('/api/auth/login').ca(served.pem).send({ login: who.username, password: who.password }).expect(200);
      tokens.push((login.body as LoginResponse).token);
    }
    const rooms = await request(server.url).get('/api/rooms').ca(served.pem).set('Authorization', `Bearer ${tokens[0]}`).expect(200);
    const general = (rooms.body as RoomSummary[]).find((r) => r.slug === 'general')!;
    const sockets: ClientSocket[] = [];
    try {
      for (const token of tokens) sockets.push(await connect(server.url, { token, ca: served.pem }));
      const received = next(sockets[1], 'message:new', (m) => m.roomId === general.id);
      const ack = await call(sockets[0], 'message:send', { roomId: general.id, clientMsgId: randomUUID(), body: 'over wss' });
      expect(errorOf(ack)).toBeUndefined();
      expect(((await received) as Message).body).toBe('over wss');
    } finally {
      for (const s of sockets) s.close();
    }
    // An untrusted certificate is refused by a client that checks it: the socket really is TLS.
    await expect(connect(server.url, { token: tokens[0] })).rejects.toThrow();
  });

  it('redirects plain HTTP on HTTP_REDIRECT_PORT to the same host, path and query over HTTPS (308)', async () => {
    const res = await plainHttp(redirectPort, '/api/health?probe=1&x=%2F', `${PUBLIC_NAME}:${redirectPort}`);
    expect(res).toEqual({ status: 308, location: `https://${PUBLIC_NAME}:${server.port}/api/health?probe=1&x=%2F` });
    const followed = await request(`https://127.0.0.1:${server.port}`).get('/api/health?probe=1&x=%2F').ca(served.pem).set('Host', new URL(res.location!).host);
    expect(followed.status).toBe(200);
    expect(await plainHttp(redirectPort, '/rooms', `localhost:${redirectPort}`)).toEqual({ status: 308, location: `https://localhost:${server.port}/rooms` });
  });

  it.each([
    ['evil.example/phish?', '/x'],
    ['user@evil.example', '/x'],
    ['evil.example:80@other', '/x'],
    [undefined, '/x'],
  ])('never redirects elsewhere because of the Host header %j', async (host, path) => {
    const res = await plainHttp(redirectPort, path, host);
    expect(res).toEqual({ status: 308, location: `https://localhost:${server.port}/x` });
  });

  it('keeps only the path of an absolute-form request target', async () => {
    const res = await plainHttp(redirectPort, 'http://evil.example/steal?q=1', `${PUBLIC_NAME}`);
    expect(res).toEqual({ status: 308, location: `https://${PUBLIC_NAME}:${server.port}/steal?q=1` });
  });

  it('serves a renewed certificate without a restart when the files change', async () => {
    const before = await servedFingerprint(server.port);
    // `npm run dev-cert` again into the same directory: it renames each new file into place, as certbot does.
    const renewed = devCertificate(join(served.certFile, '..', '..'), [PUBLIC_NAME]);
    expect(renewed.fingerprint256).not.toBe(before);
    await waitFor('the renewed certificate served', async () => ((await servedFingerprint(server.port)) === renewed.fingerprint256 ? true : undefined));
    // The log comes through a pipe, and may arrive after the new certificate is already being served.
    await waitFor('the reload logged', async () => (server.output().includes('Certificate reloaded (file change)') ? true : undefined), 5000);
    served = renewed;
    await request(server.url).get('/api/health').ca(renewed.pem).expect(200);
  });

  it('serves a renewed certificate at once on SIGHUP, and keeps running', async () => {
    const renewed = devCertificate(tempDir(), [PUBLIC_NAME]);
    overwriteServedFiles(renewed);
    server.process.kill('SIGHUP');
    await waitFor('the certificate reloaded on SIGHUP', async () => (server.output().includes('Certificate reloaded (SIGHUP)') ? true : undefined), 10_000);
    expect(await servedFingerprint(server.port)).toBe(renewed.fingerprint256);
    served = { ...renewed, certFile: served.certFile, keyFile: served.keyFile };
    await request(server.url).get('/api/health').ca(renewed.pem).expect(200);
    expect(server.process.exitCode).toBeNull();
  });

  it('keeps serving the previous certificate when the renewed files are not a usable pair', async () => {
    const before = await servedFingerprint(server.port);
    const stranger = devCertificate(tempDir());
    const goodKey = join(tempDir(), 'key.pem');
    copyFileSync(served.keyFile, goodKey);

    // A certificate with somebody else's key: SIGHUP, then the file watch, both refuse it.
    copyFileSync(stranger.certFile, served.certFile);
    server.process.kill('SIGHUP');
    await waitFor('the SIGHUP refusal logged', async () => (/Certificate reload \(SIGHUP\) failed; still serving the previous certificate: TLS_KEY_FILE .* is not the private key/.test(server.output()) ? true : undefined), 10_000);
    await waitFor('the file-change refusal logged', async () => (server.output().includes('Certificate reload (file change) failed') ? true : undefined));
    expect(await servedFingerprint(server.port)).toBe(before);

    // Not PEM at all, and a key file that has vanished.
    writeFileSync(served.certFile, 'not a certificate\n');
    rmSync(served.keyFile);
    server.process.kill('SIGHUP');
    await waitFor('the missing key logged', async () => (/Certificate reload \(SIGHUP\) failed; still serving the previous certificate: TLS_KEY_FILE .* does not exist/.test(server.output()) ? true : undefined), 10_000);
    expect(await servedFingerprint(server.port)).toBe(before);
    await request(server.url).get('/api/health').ca(served.pem).expect(200);
    expect(server.process.exitCode).toBeNull();

    // Put the pair back: the next tests and the shutdown use it.
    writeFileSync(served.certFile, served.pem);
    copyFileSync(goodKey, served.keyFile);
  });

  it('closes the redirect port with the server', async () => {
    expect([0, 'SIGTERM']).toContain(await server.stop('SIGTERM'));
    await expect(plainHttp(redirectPort, '/')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('start-up with TLS settings that cannot work', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-https-bad-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function start(env: Record<string, string>) {
    return spawnSync(process.execPath, [join(WORKSPACE_ROOT, 'dist/apps/api/main.js')], {
      env: { ...process.env, DATA_DIR: mkdtempSync(join(dir, 'data-')), PORT: '0', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
  }

  it('stops with one line naming the missing key file, or a key that is not the certificate’s', () => {
    const pair = devCertificate(join(dir, 'a'));
    const other = devCertificate(join(dir, 'b'));
    const missing = join(dir, 'missing-key.pem');
    for (const [env, line] of [
      [{ TLS_CERT_FILE: pair.certFile, TLS_KEY_FILE: missing }, `Invalid configuration: TLS_KEY_FILE ${missing} does not exist`],
      [{ TLS_CERT_FILE: pair.certFile, TLS_KEY_FILE: other.keyFile }, `Invalid configuration: TLS_KEY_FILE ${other.keyFile} is not the private key of the certificate in TLS_CERT_FILE ${pair.certFile}`],
      [{ TLS_CERT_FILE: pair.certFile }, 'Invalid configuration: TLS_CERT_FILE needs TLS_KEY_FILE (set both, or neither for plain HTTP)'],
    ] as const) {
      const res = start(env);
      expect(res.status).toBe(1);
      expect(res.stderr.trim().split('\n')).toEqual([line]);
    }
  });
});
