import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { MessageWriter } from '../messages/message-writer';
import { RealtimeService } from '../realtime/realtime.service';
import { noSharedState, SHARED_STATE_STATUS, SharedStateStatus } from './shared-state-status';

/** Seconds; the send path's commits take well under a millisecond each on SQLite. */
const COMMIT_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const BATCH_SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
const RECIPIENTS = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
const HTTP_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/**
 * Parley's Prometheus registry. Feature code does not count anything itself: the message writer's commit
 * hook, the delivery layer's fan-out hook and gauges read at scrape time feed it. Node's default metrics
 * (event-loop lag, heap, RSS, GC, handles) come from prom-client.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(
    writer: MessageWriter,
    realtime: RealtimeService,
    @InjectDataSource() dataSource: DataSource,
    @Optional() @Inject(SHARED_STATE_STATUS) sharedState: SharedStateStatus | null,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    const sent = new Counter({ name: 'parley_messages_sent_total', help: 'Messages committed by the send path (rate() gives sends per second)', registers });
    const commits = new Counter({ name: 'parley_message_commits_total', help: 'Group commits (transactions) of the send path', registers });
    const batch = new Histogram({ name: 'parley_message_commit_batch_size', help: 'Sends carried by one group commit', buckets: BATCH_SIZES, registers });
    const commitSeconds = new Histogram({
      name: 'parley_message_commit_duration_seconds',
      help: 'Time of one group commit, from the start of its transaction to its end',
      buckets: COMMIT_SECONDS,
      registers,
    });
    writer.onCommit(({ messages, seconds }) => {
      sent.inc(messages);
      commits.inc();
      batch.observe(messages);
      commitSeconds.observe(seconds);
    });

    const deliveries = new Counter({
      name: 'parley_socket_deliveries_total',
      help: 'Room events handed to sockets of this process (one per receiving socket)',
      labelNames: ['event'],
      registers,
    });
    const fanOut = new Histogram({
      name: 'parley_fanout_recipients',
      help: 'Sockets of this process that one room event went to',
      labelNames: ['event'],
      buckets: RECIPIENTS,
      registers,
    });
    realtime.onFanOut(({ event, recipients }) => {
      deliveries.inc({ event }, recipients);
      fanOut.observe({ event }, recipients);
    });

    new Gauge({
      name: 'parley_sockets_open',
      help: 'Socket.IO connections open on this process',
      registers,
      collect() {
        this.set(realtime.io?.sockets.sockets.size ?? 0);
      },
    });

    new Gauge({
      name: 'parley_database_up',
      help: '1 when the database answers SELECT 1, else 0',
      registers,
      async collect() {
        try {
          await dataSource.query('SELECT 1');
          this.set(1);
        } catch {
          this.set(0);
        }
      },
    });

    const shared = sharedState ?? noSharedState;
    const redisStatus = async () => {
      try {
        return await shared.redisStatus();
      } catch {
        return 'down' as const;
      }
    };
    new Gauge({
      name: 'parley_redis_configured',
      help: '1 when REDIS_URL is set (state shared between processes), else 0',
      registers,
      async collect() {
        this.set((await redisStatus()) === 'disabled' ? 0 : 1);
      },
    });
    new Gauge({
      name: 'parley_redis_up',
      help: '1 when Redis is configured and answering, else 0',
      registers,
      async collect() {
        this.set((await redisStatus()) === 'up' ? 1 : 0);
      },
    });

    this.httpDuration = new Histogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP requests by method and route pattern (not the raw URL), until the answer is sent',
      labelNames: ['method', 'route', 'status_code'],
      buckets: HTTP_SECONDS,
      registers,
    });
  }

  /** One answered HTTP request. `route` is the pattern (`/api/rooms/:roomId`), never the raw URL. */
  httpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition format. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }
}
