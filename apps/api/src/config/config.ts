import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { KEYS_FOLDER, loadMasterKeys, MasterKeyProblem, MasterKeySource, parseMasterKey } from '../encryption/master-keys';
import { KeyPairError, readKeyPair } from '../tls/key-pair';
import { envSchema, RawEnv } from './config.schema';

export type DatabaseConfig =
  | { type: 'sqlite'; path: string }
  | { type: 'postgres'; url: string };

export type TrustProxy = boolean | number | string[];

/** The validated, typed configuration. Built once at start-up; injected with `@Inject(APP_CONFIG)`. */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** HTTPS and WSS on `port` (TLS_CERT_FILE, TLS_KEY_FILE); null: plain HTTP. */
  tls: TlsConfig | null;
  /**
   * Strict-Transport-Security max-age for answers to HTTPS requests (HSTS_MAX_AGE_SECONDS); 0: no header.
   * Never sent to localhost, nor over plain HTTP.
   */
  hstsMaxAgeSeconds: number;
  dataDir: string;
  database: DatabaseConfig;
  /**
   * Redis for the state several API processes share (Socket.IO fan-out, presence, limits, throttler). Unset:
   * one process keeps that state in its own memory and never connects to Redis.
   */
  redisUrl?: string;
  secretKey: Buffer;
  publicUrl?: string;
  allowedOrigins: string[];
  trustProxy: TrustProxy;
  logLevel: string;
  webDistDir: string;
  jsonBodyLimit: string;
  registration: { mode: 'open' | 'domain' | 'closed'; allowedEmailDomains: string[] };
  passwordMinScore: number;
  sessionTtlMs: number;
  cookieSecure: 'auto' | boolean;
  lockout: { threshold: number; windowMs: number; baseMs: number; maxMs: number };
  rateLimits: { authPerMinute: number; apiPerMinute: number };
  shutdownTimeoutMs: number;
  /**
   * SQLite durability. `normal` (default, with WAL): a committed message survives a crash or kill of the
   * process; only an OS crash or power cut can lose the last commits. `full` fsyncs every commit, which
   * also survives power loss but blocks the event loop for the fsync (about 4 ms here) on every group commit.
   */
  sqliteSynchronous: 'full' | 'normal';
  realtime: {
    /** Per-user message sends (socket and REST together): a token bucket refilled at this rate... */
    sendRatePerSecond: number;
    /** ...holding at most this many tokens (the burst). */
    sendBurst: number;
    /** Every other socket event costs tokens (sync and presence queries more): refilled at this rate... */
    eventRatePerSecond: number;
    /** ...holding at most this many. */
    eventBurst: number;
    socketsPerUserMax: number;
    /** How long a user whose last socket closed still shows online (a page reload is not "offline"). */
    presenceOfflineGraceMs: number;
  };
  /**
   * `GET /metrics`: on the API port only with a Bearer `token` (METRICS_TOKEN); on `port` (METRICS_PORT,
   * bound to HOST) for whoever reaches it. Neither set: not served at all.
   */
  metrics: { token: string | null; port: number | null };
  /** Who may open a direct room: `friends` only, or `anyone` (DM_POLICY). */
  dmPolicy: 'friends' | 'anyone';
  /**
   * Files in rooms: the largest upload (FILE_MAX_BYTES), each user's storage quota (FILE_QUOTA_BYTES; 0:
   * none), how long an upload never attached to a message is kept (FILE_UPLOAD_TTL_HOURS), and the largest
   * image (in pixels) that gets a thumbnail (FILE_THUMBNAIL_MAX_MEGAPIXELS).
   */
  files: { maxBytes: number; quotaBytes: number; uploadTtlMs: number; thumbnailMaxPixels: number };
  avatars: { maxBytes: number; maxPixels: number };
  /** Where file bytes (uploads, thumbnails, avatars) live (FILE_STORAGE, S3_*). */
  fileStorage: FileStorageConfig;
  /** Malware scanning of uploads (FILE_SCAN, CLAMD_*, FILE_SCAN_FAIL_OPEN). */
  fileScan: FileScanConfig;
  /**
   * Encryption at rest (ENCRYPTION_AT_REST): whether new writes are encrypted, and where the master key comes
   * from (MASTER_KEY, MASTER_KEY_FILE, or DATA_DIR/keys). Reading what is already encrypted needs the key either way.
   */
  encryption: { atRest: boolean; master: MasterKeySource };
  /** Whether this process runs the search indexer (SEARCH_INDEXING); every process answers searches either way. */
  search: { indexing: boolean };
  version: string;
}

export type FileStorageConfig =
  | { kind: 'local'; root: string }
  | {
      kind: 's3';
      /** Unset: AWS's own endpoint for the region. */
      endpoint: string | null;
      bucket: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
      /** '' or a prefix ending in '/', put before every key. */
      prefix: string;
    };

export interface TlsConfig {
  certFile: string;
  keyFile: string;
  /** A plain HTTP port that answers every request with a redirect to HTTPS on `port` (HTTP_REDIRECT_PORT). */
  redirectPort: number | null;
}

export type FileScanConfig =
  | { kind: 'none' }
  | { kind: 'clamd'; host: string; port: number; failOpen: boolean };

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {}

function parseTrustProxy(raw: string): TrustProxy {
  const v = raw.trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const ok = list.every((s) => /^[0-9a-fA-F:./]+$/.test(s) || ['loopback', 'linklocal', 'uniquelocal'].includes(s));
  if (!ok) throw new ConfigError('TRUST_PROXY must be false, true, a hop count, or a comma list of addresses/CIDRs');
  return list;
}

/** "5mb" → 5242880, "10gb" → 10737418240; a bare number is bytes. The schema has checked the shape. */
function parseByteSize(raw: string): number {
  const m = /^(\d+)(b|kb|mb|gb)?$/i.exec(raw)!;
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb' | 'gb'];
  return Number(m[1]) * unit;
}

function splitList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Reads the secret from SECRET_KEY, else from DATA_DIR/secret.key, creating it (0600) on first start. */
function loadSecret(explicit: string | undefined, dataDir: string): Buffer {
  if (explicit) return Buffer.from(explicit, 'utf8');
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length < 32) throw new ConfigError(`${file} holds a key shorter than 32 characters; delete it to regenerate`);
    return Buffer.from(key, 'utf8');
  }
  const key = randomBytes(48).toString('base64url');
  writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return Buffer.from(key, 'utf8');
}

function readVersion(): string {
  for (const candidate of [join(__dirname, '..', '..', '..', 'package.json'), join(process.cwd(), 'package.json')]) {
    try {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'parley' && pkg.version) return pkg.version;
    } catch {
      /* try the next place */
    }
  }
  return '0.0.0';
}

/** The first problem, as one line that names the variable: "PORT must be a whole number (got "abc")". */
function describeIssue(issue: z.core.$ZodIssue, env: NodeJS.ProcessEnv): string {
  const name = String(issue.path[0] ?? 'environment');
  const got = env[name];
  const secret = ['SECRET_KEY', 'DATABASE_URL', 'REDIS_URL', 'METRICS_TOKEN', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'MASTER_KEY'].includes(name);
  const shown = got === undefined ? '' : ` (got "${secret ? '<hidden>' : got}")`;
  return `${name} ${issue.message}${shown}`;
}

/** Both files or neither; when given, they must be readable and form a usable pair now. */
function tlsConfig(e: RawEnv): TlsConfig | null {
  if (!e.TLS_CERT_FILE !== !e.TLS_KEY_FILE) {
    throw new ConfigError(`Invalid configuration: ${e.TLS_CERT_FILE ? 'TLS_CERT_FILE needs TLS_KEY_FILE' : 'TLS_KEY_FILE needs TLS_CERT_FILE'} (set both, or neither for plain HTTP)`);
  }
  if (!e.TLS_CERT_FILE || !e.TLS_KEY_FILE) {
    if (e.HTTP_REDIRECT_PORT !== undefined) {
      throw new ConfigError('Invalid configuration: HTTP_REDIRECT_PORT needs TLS_CERT_FILE and TLS_KEY_FILE (it redirects to HTTPS)');
    }
    return null;
  }
  if (e.HTTP_REDIRECT_PORT === e.PORT) {
    throw new ConfigError(`Invalid configuration: HTTP_REDIRECT_PORT must differ from PORT (both ${e.PORT})`);
  }
  if (e.COOKIE_SECURE === 'false') {
    throw new ConfigError('Invalid configuration: COOKIE_SECURE=false cannot be used with TLS_CERT_FILE (cookies sent over HTTPS are always Secure)');
  }
  const files = { certFile: resolve(e.TLS_CERT_FILE), keyFile: resolve(e.TLS_KEY_FILE) };
  try {
    readKeyPair(files);
  } catch (err) {
    if (err instanceof KeyPairError) throw new ConfigError(`Invalid configuration: ${err.message}`);
    throw err;
  }
  return { ...files, redirectPort: e.HTTP_REDIRECT_PORT ?? null };
}

function fileStorageConfig(e: RawEnv, dataDir: string): FileStorageConfig {
  if (e.FILE_STORAGE === 'local') return { kind: 'local', root: join(dataDir, 'files') };
  const missing = (['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((k) => !e[k]);
  if (missing.length) throw new ConfigError(`Invalid configuration: FILE_STORAGE=s3 needs ${missing.join(', ')}`);
  const prefix = e.S3_PREFIX ? e.S3_PREFIX.replace(/\/*$/, '/') : '';
  return {
    kind: 's3',
    endpoint: e.S3_ENDPOINT?.replace(/\/$/, '') ?? null,
    bucket: e.S3_BUCKET!,
    region: e.S3_REGION,
    accessKeyId: e.S3_ACCESS_KEY_ID!,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY!,
    forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true',
    prefix,
  };
}

/**
 * The master key's source, checked now: a key that is set must be a key. The embedded default's folder may be
 * empty (the key is generated on first need, once the database says none exists yet).
 */
function masterKeySource(e: RawEnv, dataDir: string): MasterKeySource {
  if (e.MASTER_KEY && e.MASTER_KEY_FILE) throw new ConfigError('Invalid configuration: set MASTER_KEY or MASTER_KEY_FILE, not both');
  let source: MasterKeySource;
  try {
    if (e.MASTER_KEY) source = { kind: 'env', key: parseMasterKey(e.MASTER_KEY, 'MASTER_KEY') };
    else if (e.MASTER_KEY_FILE) source = { kind: 'file', path: resolve(e.MASTER_KEY_FILE) };
    else source = { kind: 'dir', dir: join(dataDir, KEYS_FOLDER) };
    loadMasterKeys(source);
  } catch (err) {
    if (err instanceof MasterKeyProblem) throw new ConfigError(`Invalid configuration: ${err.message}`);
    throw err;
  }
  return source;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings count as unset, as they would in a shell `FOO= node main.js`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration: ${describeIssue(parsed.error.issues[0], env)}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw new ConfigError(`Invalid configuration: DATA_DIR cannot be created (${(err as Error).message})`);
  }

  let database: DatabaseConfig;
  if (/^postgres(ql)?:\/\//.test(e.DATABASE_URL)) {
    database = { type: 'postgres', url: e.DATABASE_URL };
  } else {
    const p = e.DATABASE_URL.replace(/^sqlite:/, '') || 'parley.sqlite';
    database = { type: 'sqlite', path: isAbsolute(p) ? p : join(dataDir, p) };
  }

  const domains = splitList(e.ALLOWED_EMAIL_DOMAINS.toLowerCase());
  if (e.REGISTRATION === 'domain' && domains.length === 0) {
    throw new ConfigError('Invalid configuration: ALLOWED_EMAIL_DOMAINS must list at least one domain when REGISTRATION=domain');
  }
  const origins = splitList(e.ALLOWED_ORIGINS);
  for (const o of origins) {
    if (!/^https?:\/\/[^/]+$/.test(o)) {
      throw new ConfigError(`Invalid configuration: ALLOWED_ORIGINS entry "${o}" must be an origin such as https://chat.example.com`);
    }
  }
  const lockout = {
    threshold: e.LOGIN_LOCKOUT_THRESHOLD,
    windowMs: e.LOGIN_LOCKOUT_WINDOW_SECONDS * 1000,
    baseMs: e.LOGIN_LOCKOUT_BASE_SECONDS * 1000,
    maxMs: e.LOGIN_LOCKOUT_MAX_SECONDS * 1000,
  };
  if (lockout.maxMs < lockout.baseMs) {
    throw new ConfigError('Invalid configuration: LOGIN_LOCKOUT_MAX_SECONDS must not be less than LOGIN_LOCKOUT_BASE_SECONDS');
  }

  const tls = tlsConfig(e);

  const fileMaxBytes = parseByteSize(e.FILE_MAX_BYTES);
  if (fileMaxBytes < 1 || fileMaxBytes > 1024 ** 4) {
    throw new ConfigError('Invalid configuration: FILE_MAX_BYTES must be between 1b and 1024gb');
  }
  const fileQuotaBytes = parseByteSize(e.FILE_QUOTA_BYTES);
  if (fileQuotaBytes > Number.MAX_SAFE_INTEGER) throw new ConfigError('Invalid configuration: FILE_QUOTA_BYTES is too large');

  // Uploads are held in memory while they are checked: keep the cap sane.
  const avatarMaxBytes = parseByteSize(e.AVATAR_MAX_BYTES);
  if (avatarMaxBytes < 1024 || avatarMaxBytes > 50 * 1024 * 1024) {
    throw new ConfigError('Invalid configuration: AVATAR_MAX_BYTES must be between 1kb and 50mb');
  }

  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    tls,
    hstsMaxAgeSeconds: e.HSTS_MAX_AGE_SECONDS,
    dataDir,
    database,
    redisUrl: e.REDIS_URL,
    secretKey: loadSecret(e.SECRET_KEY, dataDir),
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    allowedOrigins: origins,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    webDistDir: resolve(e.WEB_DIST_DIR ?? join(__dirname, '..', '..', 'web', 'browser')),
    jsonBodyLimit: e.JSON_BODY_LIMIT,
    registration: { mode: e.REGISTRATION, allowedEmailDomains: domains },
    passwordMinScore: e.PASSWORD_MIN_SCORE,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    // Over HTTPS every request is secure; say so outright rather than trusting each request's flag.
    cookieSecure: tls ? true : e.COOKIE_SECURE === 'auto' ? 'auto' : e.COOKIE_SECURE === 'true',
    lockout,
    rateLimits: { authPerMinute: e.RATE_LIMIT_AUTH_PER_MINUTE, apiPerMinute: e.RATE_LIMIT_API_PER_MINUTE },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    realtime: {
      sendRatePerSecond: e.SOCKET_SEND_RATE_PER_SECOND,
      sendBurst: e.SOCKET_SEND_BURST,
      eventRatePerSecond: e.SOCKET_EVENT_RATE_PER_SECOND,
      eventBurst: e.SOCKET_EVENT_BURST,
      socketsPerUserMax: e.SOCKETS_PER_USER_MAX,
      presenceOfflineGraceMs: e.PRESENCE_OFFLINE_GRACE_MS,
    },
    metrics: { token: e.METRICS_TOKEN ?? null, port: e.METRICS_PORT ?? null },
    dmPolicy: e.DM_POLICY,
    files: {
      maxBytes: fileMaxBytes,
      quotaBytes: fileQuotaBytes,
      uploadTtlMs: Math.round(e.FILE_UPLOAD_TTL_HOURS * 3600_000),
      thumbnailMaxPixels: e.FILE_THUMBNAIL_MAX_MEGAPIXELS * 1_000_000,
    },
    avatars: { maxBytes: avatarMaxBytes, maxPixels: e.AVATAR_MAX_MEGAPIXELS * 1_000_000 },
    fileStorage: fileStorageConfig(e, dataDir),
    fileScan:
      e.FILE_SCAN === 'clamd'
        ? { kind: 'clamd', host: e.CLAMD_HOST, port: e.CLAMD_PORT, failOpen: e.FILE_SCAN_FAIL_OPEN === 'true' }
        : { kind: 'none' },
    encryption: { atRest: e.ENCRYPTION_AT_REST === 'on', master: masterKeySource(e, dataDir) },
    search: { indexing: e.SEARCH_INDEXING === 'on' },
    version: readVersion(),
  };
}
