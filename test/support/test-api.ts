import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import type { Server } from 'node:http';
import { createHttpAdapter } from '../../src/app.factory.js';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import type { HttpAdapterName } from '../../src/config/http-adapter.config.js';

export interface StartApiOptions {
  /** The HTTP platform, as `HTTP_ADAPTER` picks it in production. Default `express`. */
  adapter?: HttpAdapterName;
  /** Replaces providers before the module compiles (e.g. where logs are written). */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/**
 * Builds the whole `AppModule` with this environment on the chosen platform, the way `main.ts`
 * does, and starts it without a port (supertest drives it). The environment is restored
 * afterwards. Logs are silent unless `env` sets `LOG_LEVEL`. A function as second argument is
 * `override`.
 */
export async function startApi(
  env: Record<string, string>,
  options: StartApiOptions | StartApiOptions['override'] = {},
): Promise<{ app: INestApplication; server: Server }> {
  const { adapter = 'express', override = (builder: TestingModuleBuilder) => builder } =
    typeof options === 'function' ? { override: options } : options;
  const saved = { ...process.env };
  Object.assign(process.env, { LOG_LEVEL: 'silent' }, env);
  try {
    const moduleRef = await override(
      Test.createTestingModule({ imports: [AppModule.forRoot()] }),
    ).compile();
    const app = configureApp(
      moduleRef.createNestApplication(await createHttpAdapter(adapter), { logger: false }),
    );
    await app.init();
    if (adapter === 'fastify') {
      const fastify = app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> };
      await fastify.ready();
    }
    return { app, server: app.getHttpServer() as Server };
  } finally {
    process.env = saved;
  }
}
