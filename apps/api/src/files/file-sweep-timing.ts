/** The sweep runs a quarter of FILE_UPLOAD_TTL_HOURS apart, at least every ten minutes and at most every second. */
export function sweepIntervalMs(ttlMs: number): number {
  return Math.min(10 * 60_000, Math.max(1000, Math.round(ttlMs / 4)));
}

/**
 * How long the sweep leaves a deleted file's bytes to the request that deleted it (a minute, or one sweep
 * interval when the sweep runs more often), and the first wait before retrying after a failure.
 */
export function discardGraceMs(ttlMs: number): number {
  return Math.min(60_000, sweepIntervalMs(ttlMs));
}
