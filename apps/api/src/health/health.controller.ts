import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { InjectDataSource } from '@nestjs/typeorm';
import { HealthResponse } from '@parley/contracts';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/config';

export class HealthDto implements HealthResponse {
  @ApiProperty({ enum: ['ok', 'error'] }) status!: 'ok' | 'error';
  @ApiProperty() live!: boolean;
  @ApiProperty() ready!: boolean;
  @ApiProperty({ enum: ['sqlite', 'postgres'] }) database!: 'sqlite' | 'postgres';
  @ApiProperty() uptimeSeconds!: number;
  @ApiProperty() version!: string;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @SkipThrottle()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Liveness and readiness', description: 'Answers 200 when the database answers a query, 503 when it does not.' })
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
    return {
      status: ready ? 'ok' : 'error',
      live: true,
      ready,
      database: this.config.database.type,
      uptimeSeconds: Math.round(process.uptime()),
      version: this.config.version,
    };
  }
}
