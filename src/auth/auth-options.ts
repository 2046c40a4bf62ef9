import { ASYMMETRIC_ALGORITHMS } from './auth.constants.js';
import type { AuthModuleOptions, ResolvedAuthOptions } from './auth-options.interface.js';
import type { TokenPolicy } from './core/token-policy.js';
import { DEFAULT_MAX_TOKEN_LENGTH } from './core/bearer-token.js';
import { DEFAULT_TOKEN_CACHE_SIZE } from './core/verified-token-cache.js';
import { DEFAULT_FETCH_LIMITS } from './keys/fetch-json.js';

/** A configuration that cannot be right. `setting` names the option (or variable) at fault. */
export class AuthConfigurationError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting}: ${problem}`);
  }
}

export interface SettingNames {
  authority: string;
  audience: string;
  metadataAddress: string;
  clockSkew: string;
  algorithms: string;
  tokenCacheSize: string;
}

const OPTION_NAMES: SettingNames = {
  authority: 'authority',
  audience: 'audience',
  metadataAddress: 'metadataAddress',
  clockSkew: 'clockSkew',
  algorithms: 'algorithms',
  tokenCacheSize: 'tokenCacheSize',
};

/** Largest `tokenCacheSize` accepted: well beyond any sensible value, short of eating the heap. */
export const MAX_TOKEN_CACHE_SIZE = 1_000_000;

function checkUrl(value: string, setting: string, requireHttps: boolean): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AuthConfigurationError(setting, `${value} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AuthConfigurationError(setting, `${value} is not an http(s) URL`);
  }
  if (requireHttps && url.protocol !== 'https:') {
    throw new AuthConfigurationError(
      setting,
      `${value} must use https unless AUTH_REQUIRE_HTTPS_METADATA=false (development only)`,
    );
  }
}

/**
 * Fills in defaults and refuses what cannot be right: no audience, an authority that is not an
 * absolute URL, `http:` while HTTPS metadata is required, an unknown or symmetric algorithm.
 * `names` lets the app report environment variable names instead of option names.
 */
export function resolveAuthOptions(
  options: AuthModuleOptions,
  names: SettingNames = OPTION_NAMES,
): ResolvedAuthOptions {
  const requireHttpsMetadata = options.requireHttpsMetadata ?? true;
  if (!options.authority) throw new AuthConfigurationError(names.authority, 'is required');
  checkUrl(options.authority, names.authority, requireHttpsMetadata);
  if (options.metadataAddress) {
    checkUrl(options.metadataAddress, names.metadataAddress, requireHttpsMetadata);
  }
  const audience = (
    typeof options.audience === 'string' ? [options.audience] : (options.audience ?? [])
  )
    .map((a) => a.trim())
    .filter((a) => a !== '');
  if (audience.length === 0) throw new AuthConfigurationError(names.audience, 'is required');

  const clockSkew = options.clockSkew ?? 60;
  if (!Number.isInteger(clockSkew) || clockSkew < 0 || clockSkew > 3600) {
    throw new AuthConfigurationError(names.clockSkew, 'must be a whole number of seconds, 0..3600');
  }
  const algorithms = options.algorithms ?? ASYMMETRIC_ALGORITHMS;
  if (algorithms.length === 0) throw new AuthConfigurationError(names.algorithms, 'is empty');
  for (const alg of algorithms) {
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new AuthConfigurationError(
        names.algorithms,
        `${alg} is not accepted; only asymmetric algorithms are: ${ASYMMETRIC_ALGORITHMS.join(', ')}`,
      );
    }
  }
  const tokenCacheSize = options.tokenCacheSize ?? DEFAULT_TOKEN_CACHE_SIZE;
  if (
    !Number.isInteger(tokenCacheSize) ||
    tokenCacheSize < 0 ||
    tokenCacheSize > MAX_TOKEN_CACHE_SIZE
  ) {
    throw new AuthConfigurationError(
      names.tokenCacheSize,
      `must be a whole number of entries, 0..${MAX_TOKEN_CACHE_SIZE} (0 disables the cache)`,
    );
  }
  return {
    authority: options.authority,
    audience,
    metadataAddress: options.metadataAddress || undefined,
    requireHttpsMetadata,
    clockSkew,
    algorithms: [...algorithms],
    includeErrorDetails: options.includeErrorDetails ?? true,
    requireAccessTokenType: options.requireAccessTokenType ?? false,
    maxTokenLength: options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH,
    fetchTimeoutMs: options.fetchTimeoutMs ?? DEFAULT_FETCH_LIMITS.timeoutMs,
    tokenCacheSize,
  };
}

/** What a token must satisfy under these options; the guard and the doctor CLI both use it. */
export function toTokenPolicy(options: ResolvedAuthOptions): TokenPolicy {
  return {
    issuer: options.authority,
    audiences: options.audience,
    algorithms: options.algorithms,
    clockSkewSeconds: options.clockSkew,
    requireAtJwt: options.requireAccessTokenType,
  };
}
