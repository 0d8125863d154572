import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { AuthenticationGuard } from './auth/authentication.guard';
import { CalendarModule } from './calendar/calendar.module';
import { ApiThrottlerGuard, throttlerOptions } from './common/throttling';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { E2eeModule } from './e2ee/e2ee.module';
import { EncryptionModule } from './encryption/encryption.module';
import { EventsModule } from './events/app-events';
import { FilesModule } from './files/files.module';
import { FriendsModule } from './friends/friends.module';
import { GatewayModule } from './gateway/gateway.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { LimitsModule } from './limits/limits.module';
import { MessagesModule } from './messages/messages.module';
import { MetricsModule } from './metrics/metrics.module';
import { PresenceModule } from './presence/presence.module';
import { RedisConnection } from './redis/redis-connection';
import { RedisModule } from './redis/redis.module';
import { RoomsModule } from './rooms/rooms.module';
import { RecordsModule } from './records/records.module';
import { RetentionModule } from './retention/retention.module';
import { SearchModule } from './search/search.module';
import { TlsModule } from './tls/tls.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        JobsModule,
        EncryptionModule,
        EventsModule,
        LimitsModule,
        RedisModule,
        ThrottlerModule.forRootAsync({ inject: [RedisConnection], useFactory: (redis: RedisConnection) => throttlerOptions(config, redis) }),
        HealthModule,
        UsersModule,
        AuthModule,
        AdminModule,
        RoomsModule,
        MessagesModule,
        E2eeModule,
        SearchModule,
        RecordsModule,
        RetentionModule,
        CalendarModule,
        FilesModule,
        FriendsModule,
        PresenceModule,
        GatewayModule,
        MetricsModule,
        TlsModule,
      ],
      // Global guards run in this order: the per-IP throttle first, then authentication.
      providers: [
        { provide: APP_GUARD, useClass: ApiThrottlerGuard },
        { provide: APP_GUARD, useExisting: AuthenticationGuard },
      ],
    };
  }
}
