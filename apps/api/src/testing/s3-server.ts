import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { S3BlobStoreOptions } from '../files/blob-stores/s3-blob-store';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The options for an S3BlobStore on this server (with `prefix`). */
  storeOptions(prefix?: string): S3BlobStoreOptions;
  /** The environment that points an API process at this server (FILE_STORAGE=s3 and the S3_* settings). */
  env(prefix?: string): Record<string, string>;
  /** Stops answering, as a store that is down: connections to the port are refused. What is stored stays. */
  pause(): Promise<void>;
  /** Answers again after `pause`, on the same port, from the same directory. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** s3rver's one account. */
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';

/** The part of a Koa context the extras use. */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function xml(ctx: KoaContext, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}

function noSuchUpload(ctx: KoaContext): void {
  xml(ctx, 404, '<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>');
}

/**
 * s3rver 3 answers the S3 calls the stores make but three: ListParts, AbortMultipartUpload and
 * ListMultipartUploads (which @tus/s3-store uses to resume, terminate and expire uploads). They are answered
 * here from s3rver's own record of multipart uploads (`<bucket>/._S3rver_uploads/<uploadId>/`: a `key` file
 * and one file per part with its `.md5`), in S3's documented XML, before s3rver's router sees the request.
 */
function multipartExtras(directory: string) {
  return async (ctx: KoaContext, next: () => Promise<unknown>) => {
    const [bucket, ...keyParts] = ctx.path.slice(1).split('/').map(decodeURIComponent);
    const uploads = join(directory, bucket ?? '', '._S3rver_uploads');
    const uploadId = typeof ctx.query['uploadId'] === 'string' ? ctx.query['uploadId'] : undefined;
    const key = keyParts.join('/');

    if (ctx.method === 'GET' && !key && 'uploads' in ctx.query) {
      const prefix = typeof ctx.query['prefix'] === 'string' ? ctx.query['prefix'] : '';
      const entries: string[] = [];
      for (const id of await readdir(uploads).catch(() => [] as string[])) {
        const keyFile = join(uploads, id, 'key');
        const uploadKey = await readFile(keyFile, 'utf8').catch(() => null);
        if (uploadKey === null || !uploadKey.startsWith(prefix)) continue;
        const initiated = (await stat(keyFile)).mtime.toISOString();
        entries.push(`<Upload><Key>${escapeXml(uploadKey)}</Key><UploadId>${id}</UploadId><Initiated>${initiated}</Initiated></Upload>`);
      }
      xml(ctx, 200, `<ListMultipartUploadsResult><Bucket>${escapeXml(bucket)}</Bucket><Prefix>${escapeXml(prefix)}</Prefix><IsTruncated>false</IsTruncated>${entries.join('')}</ListMultipartUploadsResult>`);
      return;
    }
    if (!key || !uploadId || !/^[0-9a-f]+$/.test(uploadId) || (ctx.method !== 'GET' && ctx.method !== 'DELETE')) {
      await next();
      return;
    }

    const dir = join(uploads, uploadId);
    const storedKey = await readFile(join(dir, 'key'), 'utf8').catch(() => null);
    if (storedKey !== key) {
      noSuchUpload(ctx);
      return;
    }
    if (ctx.method === 'DELETE') {
      await rm(dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    const parts: string[] = [];
    const numbers = (await readdir(dir)).filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => a - b);
    for (const n of numbers) {
      const [info, md5] = await Promise.all([stat(join(dir, String(n))), readFile(join(dir, `${n}.md5`), 'utf8')]);
      parts.push(`<Part><PartNumber>${n}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified><ETag>"${md5}"</ETag><Size>${info.size}</Size></Part>`);
    }
    xml(
      ctx,
      200,
      `<ListPartsResult><Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId>` +
        `<PartNumberMarker>0</PartNumberMarker><MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`,
    );
  };
}

/** A real S3-protocol server (s3rver, storing in a temp dir) on a free port with one empty bucket, for one test file. */
export async function startTestS3(bucket = 'parley-test'): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'parley-s3-'));
  const launch = async (port: number) => {
    const server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      vhostBuckets: false,
      configureBuckets: [{ name: bucket, configs: [] }],
    });
    // Koa composes its middleware when it starts listening: the extras go first.
    server.middleware.unshift(multipartExtras(directory));
    return { server, port: (await server.run()).port };
  };
  let running: S3rver | null;
  const started = await launch(0);
  running = started.server;
  const port = started.port;
  const halt = async () => {
    const server = running;
    running = null;
    if (!server) return;
    // Idle keep-alive connections too: a client must find the port closed, not an old socket that answers.
    server.httpServer?.closeAllConnections();
    await server.close();
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const storeOptions = (prefix = ''): S3BlobStoreOptions => ({
    endpoint,
    bucket,
    region: 'us-east-1',
    accessKeyId: ACCESS_KEY,
    secretAccessKey: SECRET_KEY,
    forcePathStyle: true,
    prefix,
  });
  return {
    endpoint,
    bucket,
    storeOptions,
    env: (prefix = '') => ({
      FILE_STORAGE: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: ACCESS_KEY,
      S3_SECRET_ACCESS_KEY: SECRET_KEY,
      S3_FORCE_PATH_STYLE: 'true',
      ...(prefix ? { S3_PREFIX: prefix } : {}),
    }),
    pause: halt,
    resume: async () => {
      if (!running) running = (await launch(port)).server;
    },
    stop: async () => {
      await halt();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
