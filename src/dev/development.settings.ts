import { ConfigurationError } from '../config/configuration.error.js';
import { blank, type Env } from '../config/env.js';
import { settingsFromEnv, type Settings } from '../config/settings.js';
import { DEV_DEFAULTS, type DevAuthorityOptions } from '../dev-authority/dev-authority.js';

/** Settings of `npm start` in development, with the development authority it runs. */
export interface DevelopmentSettings extends Settings {
  devAuthority: Required<Pick<DevAuthorityOptions, 'port' | 'audience' | 'corsOrigins'>>;
}

function devAuthorityPort(v: string | undefined): number {
  if (blank(v)) return DEV_DEFAULTS.port;
  if (!(/^\d+$/.test(v.trim()) && Number(v) <= 65535)) {
    throw new ConfigurationError('DEV_AUTHORITY_PORT', `${v} is not a port number`);
  }
  return Number(v);
}

/**
 * The development defaults, in one place (`npm start` without AUTH_AUTHORITY, and the doctor):
 * the environment's settings, with the API on 127.0.0.1 only, trusting the development authority
 * at `http://127.0.0.1:<DEV_AUTHORITY_PORT>` (plain http, on loopback) for AUTH_AUDIENCE or
 * `api://default`, with introspection (`opaque`) as the development client. What development
 * turns on later belongs here too.
 */
export function developmentSettings(env: Env, stdoutIsTty?: boolean): DevelopmentSettings {
  const settings = settingsFromEnv(env, stdoutIsTty);
  const port = devAuthorityPort(env.DEV_AUTHORITY_PORT);
  const { audience: configured } = settings.auth;
  const audiences = typeof configured === 'string' ? [configured] : [...configured];
  const audience = audiences[0] ?? DEV_DEFAULTS.audience;
  const api = settings.http.port;
  // Introspection on (opaque tokens), as the development client, unless the environment says.
  const introspection = settings.auth.introspection ?? 'opaque';
  const introspectionClient =
    introspection === 'off'
      ? {}
      : {
          introspectionClientId: settings.auth.introspectionClientId ?? DEV_DEFAULTS.clientId,
          introspectionClientSecret:
            settings.auth.introspectionClientSecret ?? DEV_DEFAULTS.clientSecret,
        };
  return {
    ...settings,
    http: { ...settings.http, host: '127.0.0.1' },
    auth: {
      ...settings.auth,
      authority: `http://127.0.0.1:${port}`,
      audience: audiences.length > 0 ? audiences : [audience],
      requireHttpsMetadata: false,
      introspection,
      ...introspectionClient,
    },
    // Swagger UI at /docs asks for tokens from the browser: let the API's own pages do that.
    devAuthority: {
      port,
      audience,
      corsOrigins: [`http://127.0.0.1:${api}`, `http://localhost:${api}`],
    },
  };
}
