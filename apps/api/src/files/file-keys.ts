/** Where a file's WebP thumbnail lives in the BlobStore (its bytes live under `blobs.uploadKey(id)`). */
export const thumbnailKey = (fileId: string) => `thumbs/${fileId}.webp`;
