export interface HealthResponse {
  status: 'ok' | 'error';
  /** The process is up and answering. */
  live: boolean;
  /** The database answered a query just now. */
  ready: boolean;
  database: 'sqlite' | 'postgres';
  uptimeSeconds: number;
  version: string;
}
