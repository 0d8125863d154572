import { Global, Module } from '@nestjs/common';
import { RealtimeService } from './realtime.service';

/** Global: any feature service may push events to live clients through RealtimeService. */
@Global()
@Module({ providers: [RealtimeService], exports: [RealtimeService] })
export class RealtimeModule {}
