import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { dataSourceOptions } from './data-source-options';
import { serializeTransactions } from './serialize-transactions';
import { WalCheckpoints } from './wal-checkpoints';

/** The database connection, and the WAL checkpoints that the message writer's commits make way for (global). */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config), retryAttempts: 3, retryDelay: 1000 }),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        if (dataSource.options.type === 'better-sqlite3') serializeTransactions(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [WalCheckpoints],
  exports: [WalCheckpoints],
})
export class DatabaseModule {}
