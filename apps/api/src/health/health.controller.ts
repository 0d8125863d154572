import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { InjectDataSource } from '@nestjs/typeorm';
import { HealthResponse } from '@parley/contracts';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/config';
import { RedisConnection } from '../redis/redis-connection';

export class HealthDto implements HealthResponse {
  @ApiProperty({
    enum: ['ok', 'degraded', 'error'],
    description: '`degraded`: the process serves requests but Redis (REDIS_URL) is unreachable; `error`: the database does not answer',
  })
  status!: 'ok' | 'degraded' | 'error';
  @ApiProperty() live!: boolean;
  @ApiProperty() ready!: boolean;
  @ApiProperty({ enum: ['sqlite', 'postgres'] }) database!: 'sqlite' | 'postgres';
  @ApiProperty({ enum: ['off', 'ok', 'unreachable'], description: '`off` when REDIS_URL is unset (one process, no Redis)' })
  redis!: 'off' | 'ok' | 'unreachable';
  @ApiProperty({ type: [String], description: 'Why the status is not `ok`, one sentence each' }) reasons!: string[];
  @ApiProperty() uptimeSeconds!: number;
  @ApiProperty() version!: string;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisConnection,
  ) {}

  @Get()
  @Public()
  @SkipThrottle()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Liveness and readiness', description:
      'Answers 200 when the database answers a query, 503 when it does not. With REDIS_URL set and Redis unreachable it still answers 200 (messages are still saved and acknowledged) with `status: degraded` and the reason.',
  })
  @ApiOkResponse({ type: HealthDto })
  @ApiResponse({ status: 503, description: 'The database is not reachable', type: HealthDto })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthResponse> {
    let ready = false;
    try {
      await this.db.query('SELECT 1');
      ready = true;
    } catch {
      ready = false;
    }
    if (!ready) res.status(503);
    const redis = this.redis.status();
    const reasons = [...(ready ? [] : ['The database does not answer']), ...(redis.state === 'unreachable' ? [redis.reason] : [])];
    return {
      status: !ready ? 'error' : reasons.length ? 'degraded' : 'ok',
      live: true,
      ready,
      database: this.config.database.type,
      redis: redis.state,
      reasons,
      uptimeSeconds: Math.round(process.uptime()),
      version: this.config.version,
    };
  }
}
