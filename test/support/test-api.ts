import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';

/**
 * Builds the whole `AppModule` with this environment, the way `main.ts` does, and starts it
 * without a port (supertest drives it). The environment is restored afterwards. With `logger`,
 * everything the app logs goes there (e.g. the kit's `LogCapture`); otherwise logging is off.
 */
export async function startApi(
  env: Record<string, string>,
  options: { logger?: LoggerService } = {},
): Promise<{
  app: INestApplication;
  server: Server;
}> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot()] }).compile();
    const logger = options.logger ?? false;
    const app = configureApp(moduleRef.createNestApplication({ logger }));
    if (logger) app.useLogger(logger); // wins over whatever logger configureApp installs
    await app.init();
    return { app, server: app.getHttpServer() as Server };
  } finally {
    process.env = saved;
  }
}
