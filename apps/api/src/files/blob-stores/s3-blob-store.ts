import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload as S3Upload } from '@aws-sdk/lib-storage';
import { S3Store } from '@tus/s3-store';
import type { DataStore, KvStore } from '@tus/server';
import { Readable } from 'node:stream';
import type { BlobStore } from '../blob-store';
import { checkRange, keySegments, uploadIdOf, uploadKeyOf, UPLOADS_FOLDER } from './blob-keys';
import { byteCounter } from './byte-counter';
import { KeyedTusStore, TusStoreOptions } from './keyed-tus-store';

export interface S3BlobStoreOptions {
  /** Unset: AWS's endpoint for the region. */
  endpoint: string | null;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** '' or a prefix ending in '/'. */
  prefix: string;
}

/**
 * A streamed put is held in memory a part at a time (S3's minimum, 5 MiB), with two parts in flight: about
 * 20 MiB per put, whatever its size. tus uploads spool their 8 MiB parts to temp files instead.
 */
const PUT_PART_SIZE = 5 * 1024 * 1024;
const TUS_PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/**
 * @tus/s3-store caches each upload's `.info` in memory by default; with several API processes (or an upload
 * deleted through the BlobStore) that copy goes stale, so every request reads the small object again.
 */
class NoCache<T> implements KvStore<T> {
  async get(): Promise<T | undefined> {
    return undefined;
  }
  async set(): Promise<void> {}
  async delete(): Promise<void> {}
}

function s3ErrorName(err: unknown): string | undefined {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e.name ?? e.Code;
}

function isNotFound(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return ['NoSuchKey', 'NotFound', 'NoSuchUpload'].includes(s3ErrorName(err) ?? '') || status === 404;
}

/**
 * Files in one bucket of any S3-compatible store (AWS, MinIO, Ceph, R2...), so several API processes share
 * them. The key `a/b` is the object `<S3_PREFIX>a/b`. Streams of unknown length go up as a multipart upload
 * (a few 8 MiB parts in memory at most); reads stream straight from the response.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly clientConfig: S3ClientConfig;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.clientConfig = {
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle,
      // A bucket in another region than S3_REGION still works on AWS (one redirect, then remembered).
      followRegionRedirects: true,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      // Checksums only where S3 demands them: many S3-compatible stores reject (or store verbatim) the
      // aws-chunked bodies with trailing checksums the SDK sends by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    };
    this.client = new S3Client(this.clientConfig);
  }

  /** Describes the store for logs, without the keys. */
  describe(): string {
    return `S3 bucket ${this.options.bucket}${this.options.prefix ? ` (prefix ${this.options.prefix})` : ''} at ${this.options.endpoint ?? `AWS ${this.options.region}`}`;
  }

  async put(key: string, body: Readable | Buffer, options: { contentType?: string } = {}): Promise<{ size: number }> {
    const Key = this.objectKey(key);
    if (Buffer.isBuffer(body)) {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.options.bucket, Key, Body: body, ContentLength: body.length, ContentType: options.contentType }),
      );
      return { size: body.length };
    }
    const counter = byteCounter();
    // An error on the source must reach the upload (pipe alone would leave it waiting).
    body.once('error', (err) => counter.destroy(err));
    const upload = new S3Upload({
      client: this.client,
      params: { Bucket: this.options.bucket, Key, Body: body.pipe(counter), ContentType: options.contentType },
      partSize: PUT_PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    await upload.done();
    return { size: counter.bytes };
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable | null> {
    checkRange(range);
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: this.objectKey(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      return res.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) return null;
      // A range that starts past the end: nothing to read, as from a local file.
      if (s3ErrorName(err) === 'InvalidRange') return Readable.from([]);
      throw err;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
      return { size: res.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    if (!uploadIdOf(key)) {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key }));
      return;
    }
    // An upload: abort its multipart upload if it never finished (S3 would keep its parts, and bill them),
    // then remove the object with tus' bookkeeping (`.info`, and `.part` for a short last chunk).
    await this.abortMultipartUpload(Key);
    await this.client.send(
      new DeleteObjectsCommand({
        Bucket: this.options.bucket,
        Delete: { Objects: [{ Key }, { Key: `${Key}.info` }, { Key: `${Key}.part` }], Quiet: true },
      }),
    );
  }

  tusDataStore(options: TusStoreOptions = {}): DataStore {
    const expirationMs = options.expirationMs ?? 0;
    const store = new S3Store({
      partSize: TUS_PART_SIZE,
      maxConcurrentPartUploads: PARTS_IN_FLIGHT,
      // Parley sweeps expired uploads itself (below): no object tags, which not every S3 clone supports.
      useTags: false,
      cache: new NoCache(),
      expirationPeriodInMilliseconds: expirationMs,
      s3ClientConfig: { ...this.clientConfig, bucket: this.options.bucket },
    });
    return new KeyedTusStore(store, `${this.options.prefix}${UPLOADS_FOLDER}/`, {
      expirationMs,
      deleteExpired: () => this.deleteExpiredUploads(expirationMs),
      // @tus/s3-store's termination leaves the `.part` of a short last chunk behind.
      afterRemove: (id) => this.delete(uploadKeyOf(id)),
    });
  }

  uploadKey(uploadId: string): string {
    return uploadKeyOf(uploadId);
  }

  /** Closes the client's connections. */
  destroy(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    keySegments(key);
    return this.options.prefix + key;
  }

  /** The multipart upload tus keeps for upload object `Key`, aborted if there is one. */
  private async abortMultipartUpload(Key: string): Promise<void> {
    let uploadId: string | undefined;
    try {
      const info = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: `${Key}.info` }));
      uploadId = info.Metadata?.['upload-id'];
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (!uploadId) return;
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.options.bucket, Key, UploadId: uploadId }));
    } catch (err) {
      // Finished (or already aborted) uploads have no multipart upload left.
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * Unfinished uploads older than `expirationMs`, under this store's prefix only (@tus/s3-store's own sweep
   * would abort every multipart upload in the bucket, other applications' too).
   */
  private async deleteExpiredUploads(expirationMs: number): Promise<number> {
    const cutoff = Date.now() - expirationMs;
    const Prefix = `${this.options.prefix}${UPLOADS_FOLDER}/`;
    let deleted = 0;
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.options.bucket, Prefix, KeyMarker, UploadIdMarker }));
      for (const upload of page.Uploads ?? []) {
        const key = upload.Key?.slice(this.options.prefix.length);
        if (!key || !uploadIdOf(key) || !upload.Initiated || upload.Initiated.getTime() > cutoff) continue;
        await this.delete(key);
        deleted++;
      }
      if (!page.IsTruncated) return deleted;
      KeyMarker = page.NextKeyMarker;
      UploadIdMarker = page.NextUploadIdMarker;
    }
  }
}
