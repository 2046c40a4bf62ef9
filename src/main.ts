import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { AuthConfigurationError } from './auth/index.js';
import { createApp, listen } from './app.factory.js';
import { httpAdapterName, type HttpAdapterName } from './config/http-adapter.config.js';
import type { OpenApiOptions } from './openapi/openapi.setup.js';
import { validateEnvironment } from './config/auth.config.js';

const logger = new Logger('Bootstrap');

/**
 * Without AUTH_AUTHORITY (and outside production), start the development authority first and
 * point the API at it. Its module is imported only here, so production never loads it.
 */
async function startDevelopmentAuthorityIfNeeded(): Promise<OpenApiOptions | undefined> {
  if (process.env.AUTH_AUTHORITY || process.env.NODE_ENV === 'production') return undefined;
  const { startDevAuthority, DEV_DEFAULTS } = await import('./dev-authority/dev-authority.js');
  const port = Number(process.env.DEV_AUTHORITY_PORT ?? DEV_DEFAULTS.port);
  const apiPort = process.env.PORT ?? '3000';
  const dev = await startDevAuthority({
    port,
    audience: process.env.AUTH_AUDIENCE || undefined,
    // Swagger UI at /docs asks for tokens from the browser: let the API's own pages do that.
    corsOrigins: [`http://127.0.0.1:${apiPort}`, `http://localhost:${apiPort}`],
  });
  process.env.AUTH_AUTHORITY = dev.issuer;
  process.env.AUTH_AUDIENCE ||= dev.audience;
  process.env.AUTH_REQUIRE_HTTPS_METADATA = 'false';
  logger.warn(
    `DEVELOPMENT AUTHORITY at ${dev.issuer}: a local OpenID provider with an in-memory key. ` +
      'Set AUTH_AUTHORITY to use a real one.',
  );
  return { oauthClient: { clientId: dev.clientId, clientSecret: dev.clientSecret } };
}

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const development = await startDevelopmentAuthorityIfNeeded();
  validateEnvironment(process.env);
  const { AppModule } = await import('./app.module.js');
  const adapter = httpAdapterName(process.env) as HttpAdapterName;
  const app = await createApp(
    AppModule.forRoot(),
    adapter,
    { bufferLogs: true },
    {
      openApi: development,
    },
  );
  const port = Number(process.env.PORT ?? 3000);
  await listen(app, adapter, port);
  logger.log(`API listening on http://127.0.0.1:${port} (${adapter}); Swagger UI at /docs`);
  if (development) {
    logger.log('Get a token:  npm run token -- messages:read messages:write');
    logger.log(
      `Call the API: curl -H "Authorization: Bearer $(npm run -s token)" http://127.0.0.1:${port}/api/messages`,
    );
  }
}

bootstrap().catch((error: unknown) => {
  if (error instanceof AuthConfigurationError) {
    logger.error(`Configuration error: ${error.message}. See .env.example.`);
  } else {
    logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  process.exit(1);
});
