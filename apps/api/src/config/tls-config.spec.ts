import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ConfigError, loadConfig } from './config';

const WORKSPACE_ROOT = resolve(__dirname, '..', '..', '..', '..');
const dataDir = () => mkdtempSync(join(tmpdir(), 'parley-config-'));

/** A fresh pair from `npm run dev-cert`, in a directory of its own. */
function devCert(): { cert: string; key: string } {
  const dir = dataDir();
  execFileSync(process.execPath, [join(WORKSPACE_ROOT, 'tools/scripts/dev-cert.mjs')], { env: { ...process.env, DATA_DIR: dir }, stdio: 'pipe' });
  return { cert: join(dir, 'tls', 'cert.pem'), key: join(dir, 'tls', 'key.pem') };
}

describe('HTTPS settings', () => {
  let pair: { cert: string; key: string };
  let other: { cert: string; key: string };
  beforeAll(() => {
    pair = devCert();
    other = devCert();
  });
  const withPair = (env: Record<string, string> = {}) => ({ DATA_DIR: dataDir(), TLS_CERT_FILE: pair.cert, TLS_KEY_FILE: pair.key, ...env });

  it('serves plain HTTP by default, with HSTS for 180 days wherever requests arrive over HTTPS', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config.tls).toBeNull();
    expect(config.hstsMaxAgeSeconds).toBe(15_552_000);
    expect(config.cookieSecure).toBe('auto');
  });

  it('serves HTTPS with a certificate and its key, with Secure cookies always, and an optional redirect port', () => {
    const config = loadConfig(withPair({ PORT: '8443', HTTP_REDIRECT_PORT: '8080', HSTS_MAX_AGE_SECONDS: '0' }));
    expect(config.tls).toEqual({ certFile: pair.cert, keyFile: pair.key, redirectPort: 8080 });
    expect(config.hstsMaxAgeSeconds).toBe(0);
    expect(config.cookieSecure).toBe(true);
    expect(loadConfig(withPair()).tls?.redirectPort).toBeNull();
  });

  it.each([
    [{ TLS_CERT_FILE: 'cert' }, 'Invalid configuration: TLS_CERT_FILE needs TLS_KEY_FILE (set both, or neither for plain HTTP)'],
    [{ TLS_KEY_FILE: 'key' }, 'Invalid configuration: TLS_KEY_FILE needs TLS_CERT_FILE (set both, or neither for plain HTTP)'],
    [{ HTTP_REDIRECT_PORT: '8080' }, 'Invalid configuration: HTTP_REDIRECT_PORT needs TLS_CERT_FILE and TLS_KEY_FILE'],
    [{ HTTP_REDIRECT_PORT: '80x' }, 'Invalid configuration: HTTP_REDIRECT_PORT must be a whole number (got "80x")'],
    [{ HSTS_MAX_AGE_SECONDS: '-1' }, 'Invalid configuration: HSTS_MAX_AGE_SECONDS must be a whole number'],
    [{ HSTS_MAX_AGE_SECONDS: '63072001' }, 'Invalid configuration: HSTS_MAX_AGE_SECONDS must be at most 63072000'],
  ])('refuses %j in one line naming the variable', (env, message) => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(message);
  });

  it('refuses a redirect port equal to PORT, and COOKIE_SECURE=false over HTTPS', () => {
    expect(() => loadConfig(withPair({ PORT: '8443', HTTP_REDIRECT_PORT: '8443' }))).toThrow('Invalid configuration: HTTP_REDIRECT_PORT must differ from PORT (both 8443)');
    expect(() => loadConfig(withPair({ COOKIE_SECURE: 'false' }))).toThrow('Invalid configuration: COOKIE_SECURE=false cannot be used with TLS_CERT_FILE');
    expect(loadConfig(withPair({ COOKIE_SECURE: 'true' })).cookieSecure).toBe(true);
  });

  it('refuses a missing file, a directory or a non-PEM file, naming the variable and the file', () => {
    const dir = dataDir();
    const missing = join(dir, 'nope.pem');
    expect(() => loadConfig(withPair({ TLS_KEY_FILE: missing }))).toThrow(`Invalid configuration: TLS_KEY_FILE ${missing} does not exist`);
    expect(() => loadConfig(withPair({ TLS_CERT_FILE: dir }))).toThrow(`Invalid configuration: TLS_CERT_FILE ${dir} is a directory`);
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    expect(() => loadConfig(withPair({ TLS_CERT_FILE: garbage }))).toThrow(`Invalid configuration: TLS_CERT_FILE ${garbage} holds no PEM certificate`);
    expect(() => loadConfig(withPair({ TLS_KEY_FILE: pair.cert }))).toThrow(`Invalid configuration: TLS_KEY_FILE ${pair.cert} holds no PEM private key`);
  });

  it('refuses a key that is not the certificate’s own', () => {
    expect(() => loadConfig(withPair({ TLS_KEY_FILE: other.key }))).toThrow(
      `Invalid configuration: TLS_KEY_FILE ${other.key} is not the private key of the certificate in TLS_CERT_FILE ${pair.cert}`,
    );
  });

  it('resolves relative file names against the working directory, as DATA_DIR', () => {
    const config = loadConfig(withPair({ TLS_CERT_FILE: relative(process.cwd(), pair.cert) }));
    expect(config.tls?.certFile).toBe(pair.cert);
  });
});
