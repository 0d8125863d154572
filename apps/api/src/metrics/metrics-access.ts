import { createHash, timingSafeEqual } from 'node:crypto';

/** Where /metrics is served and with which token (from METRICS_TOKEN / METRICS_PORT). */
export interface MetricsSettings {
  /** Bearer token scrapers must send; null: no token (then only METRICS_PORT serves, if set). */
  token: string | null;
  /** A separate port (on HOST) that serves only /metrics; null: none. */
  port: number | null;
}

export type MetricsAccess = 'allowed' | 'unauthorized' | 'not_served';

/** Compares SHA-256 digests, so the comparison takes the same time whatever the length or content. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Who may read /metrics. On the API port: only with METRICS_TOKEN set and sent as a Bearer token; with no
 * token configured the path does not exist there (404: never public by default). On METRICS_PORT: open to
 * whoever reaches that port, unless METRICS_TOKEN is set too, which is then required there as well.
 */
export function metricsAccess(settings: MetricsSettings, onMetricsPort: boolean, authorization: string | undefined): MetricsAccess {
  if (!onMetricsPort && settings.token === null) return 'not_served';
  if (settings.token === null) return 'allowed';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return m && sameSecret(m[1], settings.token) ? 'allowed' : 'unauthorized';
}
