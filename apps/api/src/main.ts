import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module';
import { ParleyExpressAdapter } from './common/express-adapter';
import { AppConfig, ConfigError, loadConfig } from './config/config';
import { createRootLogger, NestPinoLogger } from './common/logger';
import { setupHttp } from './http-setup';
import { KeyPairError, readKeyPair, secureContextOptions } from './tls/key-pair';

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function bootstrap(): Promise<void> {
  const config = configOrExit();
  const logger = createRootLogger(config.logLevel);
  const adapter = new ParleyExpressAdapter();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), adapter, {
    bodyParser: false,
    logger: new NestPinoLogger(logger),
    // ParleyExpressAdapter creates an HTTPS server when these are given; Socket.IO shares it, hence WSS.
    httpsOptions: config.tls ? secureContextOptions(readKeyPair(config.tls)) : undefined,
  });
  setupHttp(app, config, logger);

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down: draining connections');
    adapter.drainConnections();
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  logger.info({ port, database: config.database.type, dataDir: config.dataDir }, `Parley listening on ${config.tls ? 'https' : 'http'}://localhost:${port}`);
  // Started by a parent with an IPC channel (a supervisor, the test harness) and PORT=0: it learns the port the
  // system chose. The channel must not keep the process alive at shutdown.
  if (process.send) {
    process.send({ type: 'parley:listening', port });
    process.channel?.unref();
  }
}

bootstrap().catch((err: unknown) => {
  // A configuration that turns out wrong once the database is open (a master key that does not open it): one line.
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  // The files were checked with the configuration; they can still change before the server reads them.
  if (err instanceof KeyPairError) {
    process.stderr.write(`Invalid configuration: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`Parley failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
