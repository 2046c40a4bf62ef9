import type { AuthModuleOptions } from '../auth/index.js';
import { authOptionsFromEnv } from './auth.settings.js';
import { databaseSettingsFromEnv, type DatabaseSettings } from './database.settings.js';
import type { Env } from './env.js';
import { httpSettingsFromEnv, type HttpSettings } from './http.settings.js';
import { logSettingsFromEnv, type LogSettings } from './log.settings.js';

/**
 * Everything the API is configured with, in one typed object: an entry point reads the
 * environment once (`readEnvironment`), turns it into `Settings` here and hands it down
 * (`AppModule.forRoot(settings)`, the HTTP adapter's options). Nothing else reads the environment.
 */
export interface Settings {
  http: HttpSettings;
  log: LogSettings;
  /** `AuthModule`'s options, from the `AUTH_*` variables. */
  auth: AuthModuleOptions;
  /** Where the messages live: `DATABASE_URL`, `DATABASE_POOL_SIZE`, `DATA_DIR`. */
  database: DatabaseSettings;
}

/**
 * Reads and checks every variable; a value of the wrong shape throws `ConfigurationError`, naming
 * the variable. `stdoutIsTty` decides the default log format.
 */
export function settingsFromEnv(env: Env, stdoutIsTty = process.stdout.isTTY === true): Settings {
  return {
    http: httpSettingsFromEnv(env),
    log: logSettingsFromEnv(env, stdoutIsTty),
    auth: authOptionsFromEnv(env),
    database: databaseSettingsFromEnv(env),
  };
}
