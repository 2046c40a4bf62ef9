import type { LoggerService } from '@nestjs/common';
import { PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';
import { createHttpAdapter } from '../../src/app.factory.js';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import type { AuthModuleOptions } from '../../src/auth/index.js';
import { startTestApp, type TestApp, type TestAuthority } from '../../src/auth/testing/index.js';
import {
  httpSettingsFromEnv,
  type HttpAdapterName,
  type HttpSettings,
} from '../../src/config/http.settings.js';
import type { LogSettings } from '../../src/config/log.settings.js';
import { loggingParams } from '../../src/logging/logging.options.js';
import type { DatabaseDriver } from '../../src/database/index.js';
import type { OpenApiOptions } from '../../src/openapi/openapi.setup.js';
import { useTestDatabase } from './test-database.js';

const EMBEDDED_IN_MEMORY = { kind: 'embedded', dataDir: 'memory://' } as const;

export interface StartApiOptions {
  /** Trust this authority. Default: a new one, closed with the app. */
  authority?: TestAuthority;
  /** `AuthModule` options on top of the authority's (`clockSkew`, `tokenCacheSize`...). */
  auth?: Partial<AuthModuleOptions>;
  /** The HTTP platform, as `HTTP_ADAPTER` picks it. Default `express`. */
  adapter?: HttpAdapterName;
  /** HTTP settings on top of the defaults (`corsOrigins`, `bodyLimitBytes`...). */
  http?: Partial<Omit<HttpSettings, 'adapter'>>;
  /** Log settings. Default: silent, or `info` when `logs` is given. */
  log?: Partial<LogSettings>;
  /** Receives every JSON log line pino writes. */
  logs?: (line: string) => void;
  /** A Nest logger in place of pino (e.g. `CaptureLogger`). */
  logger?: LoggerService;
  /** What only the development entry passes (Swagger UI's pre-filled client). */
  openApi?: OpenApiOptions;
  /** Also listen on 127.0.0.1 on a free port (`url`), for raw HTTP and load. */
  listen?: boolean;
  /** Wait for the authority's metadata and keys first (default true). */
  warm?: boolean;
  /** The database. Default: the test file's shared in-memory PGlite (`test-database.ts`). */
  database?: DatabaseDriver;
}

/**
 * The one way the e2e specs start the API: the whole `AppModule` with explicit settings, set up
 * as the entry points set it up (`configureApp`), on the chosen platform, trusting a test
 * authority. Built on the kit's `startTestApp`, so it answers the same `TestApp`.
 */
export async function startApi(options: StartApiOptions = {}): Promise<TestApp> {
  const http: HttpSettings = {
    ...httpSettingsFromEnv({}),
    ...options.http,
    adapter: options.adapter ?? 'express',
  };
  const log: LogSettings = {
    level: options.logs ? 'info' : 'silent',
    format: 'json',
    ...options.log,
  };
  const logs = options.logs;
  return startTestApp({
    authority: options.authority,
    auth: options.auth,
    // The database settings are moot: `useTestDatabase` replaces the driver they would make.
    module: (auth) => AppModule.forRoot({ http, log, auth, database: EMBEDDED_IN_MEMORY }),
    httpAdapter: await createHttpAdapter(http),
    setup: (app) => configureApp(app, { openApi: options.openApi }),
    override: (builder) => {
      const withDatabase = useTestDatabase(builder, options.database);
      return logs
        ? withDatabase
            .overrideProvider(PARAMS_PROVIDER_TOKEN)
            .useValue(loggingParams(log, { write: (line: string) => logs(line) }))
        : withDatabase;
    },
    logger: options.logger,
    listen: options.listen,
    warm: options.warm,
  });
}
