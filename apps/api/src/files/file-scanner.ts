import type { Readable } from 'node:stream';

/** What a malware scan found. */
export type ScanResult = { clean: true } | { clean: false; signature: string };

/**
 * Malware scanning before a file may be attached (`FILE_SCAN`): `none` (default) or `clamd`
 * (`CLAMD_HOST`/`CLAMD_PORT`). When the scanner cannot be reached the file is refused
 * (`FILE_SCAN_FAIL_OPEN=true` lets it through instead): `scan` then throws `ScannerUnavailableError`.
 */
export interface FileScanner {
  readonly enabled: boolean;
  scan(body: Readable): Promise<ScanResult>;
}

export class ScannerUnavailableError extends Error {}

/** Nest injection token for the configured FileScanner. */
export const FILE_SCANNER = Symbol('FILE_SCANNER');
