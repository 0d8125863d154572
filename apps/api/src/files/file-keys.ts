/** Where a file's WebP thumbnail lives in the BlobStore (sealed, or plaintext from before encryption at rest). */
export const thumbnailKey = (fileId: string) => `thumbs/${fileId}.webp`;

/**
 * Where a file's sealed bytes live (`files.contentKeyId` set). Plaintext bytes (`contentKeyId` null: encryption
 * off, or stored before it was on) stay where the upload wrote them, under `blobs.uploadKey(id)`.
 */
export const sealedContentKey = (fileId: string) => `files/${fileId}`;
