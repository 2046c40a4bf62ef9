import { registerAs } from '@nestjs/config';
import type { AuthModuleOptions } from '../auth/index.js';
import { AuthConfigurationError, resolveAuthOptions, type SettingNames } from '../auth/index.js';
import { appSettingsFromEnv } from './app.config.js';
import { HTTP_ADAPTERS, httpAdapterName } from './http-adapter.config.js';
import { blank, list, type Env } from './env.js';

/** The environment variables behind each option; errors name these. */
export const AUTH_ENV: SettingNames & Record<string, string> = {
  authority: 'AUTH_AUTHORITY',
  audience: 'AUTH_AUDIENCE',
  metadataAddress: 'AUTH_METADATA_ADDRESS',
  requireHttpsMetadata: 'AUTH_REQUIRE_HTTPS_METADATA',
  clockSkew: 'AUTH_CLOCK_SKEW_SECONDS',
  algorithms: 'AUTH_ALGORITHMS',
  includeErrorDetails: 'AUTH_INCLUDE_ERROR_DETAILS',
  requireAccessTokenType: 'AUTH_REQUIRE_ACCESS_TOKEN_TYPE',
  maxTokenLength: 'AUTH_MAX_TOKEN_LENGTH',
  tokenCacheSize: 'AUTH_TOKEN_CACHE_SIZE',
};

function bool(env: Env, name: string): boolean | undefined {
  const v = env[name];
  if (blank(v)) return undefined;
  const lower = v.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new AuthConfigurationError(name, `${v} is not true or false`);
}

function int(env: Env, name: string): number | undefined {
  const v = env[name];
  if (blank(v)) return undefined;
  if (!/^\d+$/.test(v.trim())) throw new AuthConfigurationError(name, `${v} is not a whole number`);
  return Number(v);
}

/** Reads `AuthModuleOptions` from the environment. Malformed values throw, naming the variable. */
export function authOptionsFromEnv(env: Env): AuthModuleOptions {
  return {
    authority: env[AUTH_ENV.authority]?.trim() ?? '',
    audience: list(env[AUTH_ENV.audience]) ?? [],
    metadataAddress: env[AUTH_ENV.metadataAddress]?.trim() || undefined,
    requireHttpsMetadata: bool(env, AUTH_ENV.requireHttpsMetadata),
    clockSkew: int(env, AUTH_ENV.clockSkew),
    algorithms: list(env[AUTH_ENV.algorithms]),
    includeErrorDetails: bool(env, AUTH_ENV.includeErrorDetails),
    requireAccessTokenType: bool(env, AUTH_ENV.requireAccessTokenType),
    maxTokenLength: int(env, AUTH_ENV.maxTokenLength),
    tokenCacheSize: int(env, AUTH_ENV.tokenCacheSize),
  };
}

/** `ConfigModule`'s `validate`: runs while the module compiles, so a wrong environment never boots. */
export function validateEnvironment(env: Env): Env {
  resolveAuthOptions(authOptionsFromEnv(env), AUTH_ENV);
  appSettingsFromEnv(env);
  const port = env.PORT;
  if (!blank(port) && !(/^\d+$/.test(port) && Number(port) <= 65535)) {
    throw new AuthConfigurationError('PORT', `${port} is not a port number`);
  }
  if (!httpAdapterName(env)) {
    throw new AuthConfigurationError(
      'HTTP_ADAPTER',
      `${env.HTTP_ADAPTER} is not one of ${HTTP_ADAPTERS.join(', ')}`,
    );
  }
  return env;
}

export const authConfig = registerAs('auth', () => authOptionsFromEnv(process.env));
