import { Logger, type INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createApp, listen } from './app.factory.js';
import type { ConfigureAppOptions } from './app.setup.js';
import { AuthConfigurationError } from './auth/index.js';
import { configurationErrorOf } from './config/auth.settings.js';
import { ConfigurationError } from './config/configuration.error.js';
import type { Settings } from './config/settings.js';

/* What both entry points do once they hold their settings: start the API, or fail clearly. */

const logger = new Logger('Bootstrap');

/** Starts the API with these settings and says where it listens. */
export async function serve(
  settings: Settings,
  setup?: ConfigureAppOptions,
): Promise<INestApplication> {
  const app = await createApp(settings, setup);
  await listen(app, settings.http);
  const { host, adapter } = settings.http;
  const where = host
    ? `http://${host}:${boundPort(app)}`
    : `port ${boundPort(app)} of every interface`;
  logger.log(`API listening on ${where} (${adapter}); Swagger UI at /docs`);
  return app;
}

/** The port the API listens on (the one asked for, or the one given for port 0). */
export function boundPort(app: INestApplication): number {
  return (app.getHttpServer() as { address(): AddressInfo }).address().port;
}

/**
 * Runs an entry point. A start that fails ends the process with exit code 1: a configuration
 * error with one line naming the variable, anything else with its stack.
 */
export function runEntryPoint(start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    const problem = error instanceof AuthConfigurationError ? configurationErrorOf(error) : error;
    if (problem instanceof ConfigurationError) {
      // What Nest buffered while the app was being built only repeats this, with a stack.
      Logger.detachBuffer();
      logger.error(`Configuration error: ${problem.message}. See .env.example.`);
    } else {
      Logger.flush();
      logger.error(problem instanceof Error ? (problem.stack ?? problem.message) : String(problem));
    }
    process.exit(1);
  });
}
