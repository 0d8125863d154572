import { z } from 'zod';

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().min(min, { message: `must be at least ${min}` }).max(max, { message: `must be at most ${max}` }));

const byteSize = z
  .string()
  .regex(/^\d+(b|kb|mb)?$/i, { message: 'must be a size such as 100kb or 1mb' });

/** A file size or quota: bytes, or with kb, mb or gb. */
const largeByteSize = z
  .string()
  .regex(/^\d+(b|kb|mb|gb)?$/i, { message: 'must be a size such as 500kb, 100mb or 10gb' });

/** Hours, fractions allowed (0.01 is 36 seconds). */
const hours = z
  .string()
  .regex(/^\d+(\.\d+)?$/, { message: 'must be a number of hours such as 24 or 0.5' })
  .transform(Number)
  .pipe(z.number().positive({ message: 'must be more than 0' }).max(24 * 365, { message: `must be at most ${24 * 365}` }));

/**
 * Every setting Parley reads from the environment. The README's table is generated from the same names;
 * keep both in step. Values are strings in the environment; the schema turns them into typed values.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535).default(3000),
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  HTTP_REDIRECT_PORT: int(1, 65535).optional(),
  // Two years at most: the longest any browser's preload list asks for.
  HSTS_MAX_AGE_SECONDS: int(0, 63_072_000).default(15_552_000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((v) => v === '' || /^postgres(ql)?:\/\//.test(v) || /^sqlite:/.test(v), {
      message: 'must be a postgres:// URL or sqlite:<path> (empty for ./data/parley.sqlite)',
    })
    .default(''),
  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\//.test(v), { message: 'must be a redis:// or rediss:// URL (leave unset for one process without Redis)' })
    .optional(),
  SECRET_KEY: z
    .string()
    .min(32, { message: 'must be at least 32 characters (leave unset to generate one under DATA_DIR)' })
    .optional(),
  PUBLIC_URL: z.url({ message: 'must be an absolute URL such as https://chat.example.com' }).optional(),
  ALLOWED_ORIGINS: z.string().default(''),
  TRUST_PROXY: z.string().default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIST_DIR: z.string().optional(),
  JSON_BODY_LIMIT: byteSize.default('100kb'),

  REGISTRATION: z.enum(['open', 'domain', 'closed']).default('open'),
  ALLOWED_EMAIL_DOMAINS: z.string().default(''),
  PASSWORD_MIN_SCORE: int(0, 4).default(3),
  SESSION_TTL_HOURS: int(1, 24 * 365).default(24 * 14),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),

  LOGIN_LOCKOUT_THRESHOLD: int(1, 1000).default(5),
  LOGIN_LOCKOUT_WINDOW_SECONDS: int(1, 86400).default(15 * 60),
  LOGIN_LOCKOUT_BASE_SECONDS: int(1, 86400).default(60),
  LOGIN_LOCKOUT_MAX_SECONDS: int(1, 7 * 86400).default(60 * 60),

  RATE_LIMIT_AUTH_PER_MINUTE: int(1, 1_000_000).default(20),
  RATE_LIMIT_API_PER_MINUTE: int(1, 10_000_000).default(600),

  SHUTDOWN_TIMEOUT_SECONDS: int(1, 600).default(10),

  SQLITE_SYNCHRONOUS: z.enum(['full', 'normal']).default('normal'),
  SOCKET_SEND_RATE_PER_SECOND: int(1, 100_000).default(10),
  SOCKET_SEND_BURST: int(1, 100_000).default(20),
  SOCKET_EVENT_RATE_PER_SECOND: int(1, 1_000_000).default(20),
  SOCKET_EVENT_BURST: int(1, 1_000_000).default(60),
  SOCKETS_PER_USER_MAX: int(1, 100_000).default(20),
  PRESENCE_OFFLINE_GRACE_MS: int(0, 600_000).default(5000),

  METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  METRICS_PORT: int(1, 65535).optional(),

  DM_POLICY: z.enum(['friends', 'anyone']).default('friends'),

  FILE_MAX_BYTES: largeByteSize.default('100mb'),
  FILE_QUOTA_BYTES: largeByteSize.default('10gb'),
  FILE_UPLOAD_TTL_HOURS: hours.default(24),
  FILE_THUMBNAIL_MAX_MEGAPIXELS: int(1, 1000).default(50),

  AVATAR_MAX_BYTES: byteSize.default('5mb'),
  AVATAR_MAX_MEGAPIXELS: int(1, 250).default(40),

  FILE_STORAGE: z.enum(['local', 's3']).default('local'),
  S3_ENDPOINT: z
    .string()
    .regex(/^https?:\/\/[^/\s]+(\/\S*)?$/, { message: 'must be a URL such as https://s3.eu-central-1.amazonaws.com or http://minio:9000' })
    .optional(),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)' })
    .optional(),
  S3_REGION: z.string().regex(/^[a-z0-9-]{1,64}$/, { message: 'must be a region such as us-east-1' }).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  S3_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9_-][A-Za-z0-9._-]*\/?)+$/, { message: 'must be a key prefix such as parley/ (letters, digits, . _ - and /)' })
    .optional(),

  FILE_SCAN: z.enum(['none', 'clamd']).default('none'),
  CLAMD_HOST: z.string().min(1).default('127.0.0.1'),
  CLAMD_PORT: int(1, 65535).default(3310),
  FILE_SCAN_FAIL_OPEN: z.enum(['true', 'false']).default('false'),

  ENCRYPTION_AT_REST: z.enum(['on', 'off']).default('on'),
  MASTER_KEY: z.string().optional(),
  MASTER_KEY_FILE: z.string().min(1).optional(),

  SEARCH_INDEXING: z.enum(['on', 'off']).default('on'),
});

export type RawEnv = z.infer<typeof envSchema>;
