import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import type { Server } from 'node:http';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';

/**
 * Builds the whole `AppModule` with this environment, the way `main.ts` does, and starts it
 * without a port (supertest drives it). The environment is restored afterwards. Logs are silent
 * unless `env` sets `LOG_LEVEL`; `override` may replace providers (e.g. where logs are written).
 */
export async function startApi(
  env: Record<string, string>,
  override: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
): Promise<{
  app: INestApplication;
  server: Server;
}> {
  const saved = { ...process.env };
  Object.assign(process.env, { LOG_LEVEL: 'silent' }, env);
  try {
    const moduleRef = await override(
      Test.createTestingModule({ imports: [AppModule.forRoot()] }),
    ).compile();
    const app = configureApp(moduleRef.createNestApplication({ logger: false }));
    await app.init();
    return { app, server: app.getHttpServer() as Server };
  } finally {
    process.env = saved;
  }
}
