import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { boundPort, runEntryPoint, serve } from '../bootstrap.js';
import { blank, readEnvironment } from '../config/env.js';
import { settingsFromEnv } from '../config/settings.js';
import { startDevAuthority } from '../dev-authority/dev-authority.js';
import { developmentSettings } from './development.settings.js';

/*
 * `npm start`. With AUTH_AUTHORITY set: the API alone against that authority, as in production.
 * Without it: the development authority (a real OpenID provider on loopback) and the API against
 * it, both on 127.0.0.1 only; Swagger UI's Authorize is pre-filled with its public client.
 */
runEntryPoint(async () => {
  const env = readEnvironment();
  if (!blank(env.AUTH_AUTHORITY)) return serve(settingsFromEnv(env));

  const settings = developmentSettings(env);
  const dev = await startDevAuthority(settings.devAuthority);
  const logger = new Logger('Bootstrap');
  logger.warn(
    `DEVELOPMENT AUTHORITY at ${dev.issuer}: a local OpenID provider with an in-memory key. ` +
      'Set AUTH_AUTHORITY to use a real one.',
  );
  const app = await serve(
    { ...settings, auth: { ...settings.auth, authority: dev.issuer } },
    { openApi: { oauthClient: { clientId: dev.clientId, clientSecret: dev.clientSecret } } },
  );
  const api = `http://127.0.0.1:${boundPort(app)}`;
  logger.log('Get a token:  npm run token -- messages:read messages:write metrics:read');
  logger.log('An opaque one (checked by introspection): npm run token -- --opaque messages:read');
  logger.log(
    `Call the API: curl -H "Authorization: Bearer $(npm run -s token)" ${api}/api/messages`,
  );
});
