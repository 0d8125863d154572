import type { Readable } from 'node:stream';
import { DataStore, ERRORS, Upload } from '@tus/server';
import { isUploadId } from './blob-keys';

export interface TusStoreOptions {
  /** tus expiration: an unfinished upload is given up this long after it was created; 0 (default): never. */
  expirationMs?: number;
}

/**
 * The tus data store the API serves uploads with: it checks each upload id the tus server hands it (it comes
 * from a URL) and passes it on to the real store (`@tus/file-store` or `@tus/s3-store`) as `prefix + id`, so
 * the bytes land at the BlobStore key `uploads/<id>` (and, on S3, under S3_PREFIX). The server and its hooks
 * only ever see the plain id. The real stores keep every upload's state next to its bytes (a `.json` file on
 * disk, a `.info` object and S3's multipart upload in the bucket), so an unfinished upload survives a restart.
 */
export class KeyedTusStore extends DataStore {
  constructor(
    private readonly inner: DataStore,
    private readonly prefix: string,
    private readonly options: {
      expirationMs: number;
      /** Replaces the inner store's sweep. */
      deleteExpired?: () => Promise<number>;
      /** Removes what the inner store's `remove` leaves behind (the id is the plain one). */
      afterRemove?: (id: string) => Promise<void>;
    },
  ) {
    super();
    this.extensions = [...inner.extensions];
  }

  override async create(upload: Upload): Promise<Upload> {
    return this.outer(await this.inner.create(new Upload({ ...upload, id: this.innerId(upload.id) })));
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    return this.inner.write(stream, this.innerId(id), offset);
  }

  override async getUpload(id: string): Promise<Upload> {
    return this.outer(await this.inner.getUpload(this.innerId(id)));
  }

  override async remove(id: string): Promise<void> {
    await this.inner.remove(this.innerId(id));
    await this.options.afterRemove?.(id);
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    return this.inner.declareUploadLength(this.innerId(id), length);
  }

  /** tus' GET extension (not mounted by Parley, which serves finished files itself): the bytes so far. */
  async read(id: string): Promise<Readable> {
    return (this.inner as DataStore & { read(id: string): Promise<Readable> | Readable }).read(this.innerId(id));
  }

  override async deleteExpired(): Promise<number> {
    if (this.options.expirationMs <= 0) return 0;
    return this.options.deleteExpired ? this.options.deleteExpired() : this.inner.deleteExpired();
  }

  override getExpiration(): number {
    return this.options.expirationMs;
  }

  private innerId(id: string): string {
    // Ids come from request URLs: anything but a plain id is an upload that does not exist.
    if (!isUploadId(id)) throw ERRORS.FILE_NOT_FOUND;
    return this.prefix + id;
  }

  private outer(upload: Upload): Upload {
    return new Upload({ ...upload, id: upload.id.slice(this.prefix.length) });
  }
}
