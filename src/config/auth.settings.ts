import type { AuthConfigurationError, AuthModuleOptions } from '../auth/index.js';
import { ConfigurationError } from './configuration.error.js';
import { blank, list, type Env } from './env.js';

/** The environment variable behind each `AuthModuleOptions` option. */
export const AUTH_ENV: { readonly [O in keyof AuthModuleOptions]?: string } = {
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
  rolesClaim: 'AUTH_ROLES_CLAIM',
  resource: 'AUTH_RESOURCE',
  tenants: 'AUTH_TENANTS',
  introspection: 'AUTH_INTROSPECTION',
  introspectionEndpoint: 'AUTH_INTROSPECTION_ENDPOINT',
  introspectionClientId: 'AUTH_INTROSPECTION_CLIENT_ID',
  introspectionClientSecret: 'AUTH_INTROSPECTION_CLIENT_SECRET',
  introspectionCacheSeconds: 'AUTH_INTROSPECTION_CACHE_SECONDS',
};

/** The variable that sets an option (the option's own name when no variable does). */
export const variableOf = (option: keyof AuthModuleOptions): string => AUTH_ENV[option] ?? option;

/** The auth module's refusal, told in the operator's terms: variables instead of option names. */
export function configurationErrorOf(error: AuthConfigurationError): ConfigurationError {
  return new ConfigurationError(variableOf(error.option), error.problem(variableOf));
}

function bool(env: Env, option: keyof AuthModuleOptions): boolean | undefined {
  const v = env[variableOf(option)];
  if (blank(v)) return undefined;
  const lower = v.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new ConfigurationError(variableOf(option), `${v} is not true or false`);
}

function int(env: Env, option: keyof AuthModuleOptions): number | undefined {
  const v = env[variableOf(option)];
  if (blank(v)) return undefined;
  if (!/^\d+$/.test(v.trim())) {
    throw new ConfigurationError(variableOf(option), `${v} is not a whole number`);
  }
  return Number(v);
}

/**
 * Reads `AuthModuleOptions` from the environment; a value of the wrong type throws, naming the
 * variable. Whether the options can be right is `AuthModule`'s to check, when it is built.
 */
export function authOptionsFromEnv(env: Env): AuthModuleOptions {
  const text = (option: keyof AuthModuleOptions) => env[variableOf(option)]?.trim() || undefined;
  const authorities = list(env[variableOf('authority')]) ?? [];
  return {
    authority: authorities.length > 1 ? authorities : (authorities[0] ?? ''),
    audience: list(env[variableOf('audience')]) ?? [],
    metadataAddress: text('metadataAddress'),
    requireHttpsMetadata: bool(env, 'requireHttpsMetadata'),
    clockSkew: int(env, 'clockSkew'),
    algorithms: list(env[variableOf('algorithms')]),
    includeErrorDetails: bool(env, 'includeErrorDetails'),
    requireAccessTokenType: bool(env, 'requireAccessTokenType'),
    maxTokenLength: int(env, 'maxTokenLength'),
    tokenCacheSize: int(env, 'tokenCacheSize'),
    rolesClaim: text('rolesClaim'),
    resource: text('resource'),
    tenants: list(env[variableOf('tenants')]),
    introspection: text('introspection')?.toLowerCase() as AuthModuleOptions['introspection'],
    introspectionEndpoint: text('introspectionEndpoint'),
    introspectionClientId: text('introspectionClientId'),
    introspectionClientSecret: text('introspectionClientSecret'),
    introspectionCacheSeconds: int(env, 'introspectionCacheSeconds'),
  };
}
