import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

const dataDir = () => mkdtempSync(join(tmpdir(), 'parley-config-'));

describe('loadConfig', () => {
  it('has safe embedded defaults: port 3000, SQLite under DATA_DIR, open registration, lockout after 5', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ type: 'sqlite', path: join(dir, 'parley.sqlite') });
    expect(config.registration.mode).toBe('open');
    expect(config.lockout).toEqual({ threshold: 5, windowMs: 15 * 60_000, baseMs: 60_000, maxMs: 3600_000 });
    expect(config.trustProxy).toBe(false);
  });

  it('switches to PostgreSQL for a postgres:// DATABASE_URL', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://u@db:5432/parley' });
    expect(config.database).toEqual({ type: 'postgres', url: 'postgres://u@db:5432/parley' });
  });

  it('uses Redis only when REDIS_URL is set, and never prints the URL (it may hold a password) in an error', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).redisUrl).toBeUndefined();
    expect(loadConfig({ DATA_DIR: dataDir(), REDIS_URL: 'redis://:pw@cache:6379/2' }).redisUrl).toBe('redis://:pw@cache:6379/2');
    expect(() => loadConfig({ DATA_DIR: dataDir(), REDIS_URL: 'http://pw@cache' })).toThrow('Invalid configuration: REDIS_URL must be a redis:// or rediss:// URL');
    expect(() => loadConfig({ DATA_DIR: dataDir(), REDIS_URL: 'http://pw@cache' })).not.toThrow('pw@cache');
  });

  it('serves no metrics unless METRICS_TOKEN or METRICS_PORT is set, and never echoes the token in an error', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).metrics).toEqual({ token: null, port: null });
    expect(loadConfig({ DATA_DIR: dataDir(), METRICS_TOKEN: 'a'.repeat(16), METRICS_PORT: '9464' }).metrics).toEqual({ token: 'a'.repeat(16), port: 9464 });
    expect(() => loadConfig({ DATA_DIR: dataDir(), METRICS_TOKEN: 'hunter2' })).toThrow('METRICS_TOKEN must be at least 16 characters (got "<hidden>")');
    expect(() => loadConfig({ DATA_DIR: dataDir(), METRICS_PORT: '0' })).toThrow('METRICS_PORT must be at least 1');
  });

  it('generates a secret key once under DATA_DIR and reuses it', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir }).secretKey;
    const second = loadConfig({ DATA_DIR: dir }).secretKey;
    expect(first.equals(second)).toBe(true);
    expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toBe(first.toString());
    expect(loadConfig({ DATA_DIR: dataDir() }).secretKey.equals(first)).toBe(false);
  });

  it.each([
    [{ PORT: 'x' }, 'PORT must be a whole number (got "x")'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ TRUST_PROXY: 'everyone!' }, 'TRUST_PROXY must be false, true, a hop count'],
    [{ ALLOWED_ORIGINS: 'chat.example.com' }, 'ALLOWED_ORIGINS entry "chat.example.com"'],
    [{ LOGIN_LOCKOUT_BASE_SECONDS: '600', LOGIN_LOCKOUT_MAX_SECONDS: '60' }, 'LOGIN_LOCKOUT_MAX_SECONDS must not be less'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(message);
  });

  it('reads DM_POLICY (friends by default) and the avatar limits (5 MB, 40 megapixels by default)', () => {
    const defaults = loadConfig({ DATA_DIR: dataDir() });
    expect(defaults.dmPolicy).toBe('friends');
    expect(defaults.avatars).toEqual({ maxBytes: 5 * 1024 * 1024, maxPixels: 40_000_000 });
    const set = loadConfig({ DATA_DIR: dataDir(), DM_POLICY: 'anyone', AVATAR_MAX_BYTES: '512kb', AVATAR_MAX_MEGAPIXELS: '12' });
    expect(set.dmPolicy).toBe('anyone');
    expect(set.avatars).toEqual({ maxBytes: 512 * 1024, maxPixels: 12_000_000 });
    expect(() => loadConfig({ DATA_DIR: dataDir(), DM_POLICY: 'nobody' })).toThrow('DM_POLICY');
    expect(() => loadConfig({ DATA_DIR: dataDir(), AVATAR_MAX_BYTES: '1gb' })).toThrow('AVATAR_MAX_BYTES must be a size');
    expect(() => loadConfig({ DATA_DIR: dataDir(), AVATAR_MAX_BYTES: '100mb' })).toThrow('AVATAR_MAX_BYTES must be between 1kb and 50mb');
  });

  it.each([
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
    ['', false],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });
});
