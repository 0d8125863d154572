import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobEntity } from './job.entity';
import { JobsService } from './jobs.service';

/** Claims of background jobs (the `jobs` table), so each runs once across API processes. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([JobEntity])],
  providers: [JobsService],
  exports: [JobsService],
})
export class JobsModule {}
