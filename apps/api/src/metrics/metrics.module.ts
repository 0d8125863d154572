import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { HttpMetrics } from './http-metrics';
import { Metrics } from './metrics';
import { MetricsEndpoint } from './metrics-endpoint';

/**
 * Prometheus metrics (`GET /metrics`). It reads from the other modules through their hooks; none of them
 * imports it. The Redis module provides SHARED_STATE_STATUS (see shared-state-status.ts) globally.
 */
@Module({
  imports: [MessagesModule, RealtimeModule],
  providers: [Metrics, MetricsEndpoint, HttpMetrics],
  exports: [MetricsEndpoint, HttpMetrics],
})
export class MetricsModule {}
