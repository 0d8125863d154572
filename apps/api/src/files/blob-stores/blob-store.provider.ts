import type { FileStorageConfig } from '../../config/config';
import type { BlobStore } from '../blob-store';
import { LocalBlobStore } from './local-blob-store';
import { S3BlobStore } from './s3-blob-store';

/** The store FILE_STORAGE asks for (the local one with its folders made). */
export async function createBlobStore(config: FileStorageConfig): Promise<BlobStore> {
  if (config.kind === 'local') return LocalBlobStore.open(config.root);
  const { kind: _kind, ...options } = config;
  return new S3BlobStore(options);
}

/** Where the files are, for the start-up log: never the keys. */
export function describeBlobStore(store: BlobStore): string {
  if (store instanceof LocalBlobStore) return `local disk under ${store.root}`;
  if (store instanceof S3BlobStore) return store.describe();
  return 'a custom store';
}
