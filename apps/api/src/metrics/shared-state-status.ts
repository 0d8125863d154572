/**
 * Where per-process state is shared between API processes (Redis, when REDIS_URL is set). The metrics
 * endpoint reports it as `parley_redis_configured` and `parley_redis_up`. The Redis module provides its own
 * implementation under this token; without it the default below says "not configured".
 */
export interface SharedStateStatus {
  /** `disabled`: one process, no Redis configured; `up`/`down`: Redis configured and (not) answering. */
  redisStatus(): 'disabled' | 'up' | 'down' | Promise<'disabled' | 'up' | 'down'>;
}

export const SHARED_STATE_STATUS = Symbol('SHARED_STATE_STATUS');

/** One process and no Redis: nothing is shared, so there is nothing to be down. */
export const noSharedState: SharedStateStatus = { redisStatus: () => 'disabled' };
