export interface HealthResponse {
  /**
   * `ok`: everything answers. `degraded`: the process serves requests, but something it shares with other
   * processes is unreachable (see `reasons`). `error`: the database does not answer (HTTP 503).
   */
  status: 'ok' | 'degraded' | 'error';
  /** The process is up and answering. */
  live: boolean;
  /** The database answered a query just now. */
  ready: boolean;
  database: 'sqlite' | 'postgres';
  /** `off` when REDIS_URL is unset (one process, no Redis). */
  redis: 'off' | 'ok' | 'unreachable';
  /** Why the status is not `ok`, one sentence each; empty when it is. */
  reasons: string[];
  uptimeSeconds: number;
  version: string;
}
