import 'reflect-metadata';
import { runEntryPoint, serve } from './bootstrap.js';
import { ConfigurationError } from './config/configuration.error.js';
import { blank, readEnvironment } from './config/env.js';
import { settingsFromEnv } from './config/settings.js';

/*
 * `node dist/main.js`: the production start. It reads the environment (and `.env`) once and
 * never starts the development authority, whatever NODE_ENV says: that is `npm start`'s choice
 * (src/dev/main.ts), which this file never imports.
 */
runEntryPoint(async () => {
  const env = readEnvironment();
  if (blank(env.AUTH_AUTHORITY)) {
    throw new ConfigurationError(
      'AUTH_AUTHORITY',
      'is required: the issuer URL of your authorization server (only `npm start` runs a development one)',
    );
  }
  await serve(settingsFromEnv(env));
});
