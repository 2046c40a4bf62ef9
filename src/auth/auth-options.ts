import { ASYMMETRIC_ALGORITHMS } from './auth.constants.js';
import type { AuthModuleOptions, ResolvedAuthOptions } from './auth-options.interface.js';
import type { TokenPolicy } from './core/token-policy.js';
import { isPolicyWithRequirements, type PolicyDefinition } from './core/authorization-policy.js';
import { DEFAULT_MAX_TOKEN_LENGTH } from './core/bearer-token.js';
import { claimPath } from './core/claim-path.js';
import { DEFAULT_ROLES_CLAIM } from './core/roles.js';
import { isIssuerTemplate, TENANT_ID, TENANT_PLACEHOLDER } from './core/issuer-routing.js';
import { INTROSPECTION_MODES, type IntrospectionMode } from './core/introspection.js';
import { resourceProblem } from './core/protected-resource.js';
import { DEFAULT_TOKEN_CACHE_SIZE } from './core/verified-token-cache.js';
import { metadataUrls } from './keys/discovery.js';
import { DEFAULT_FETCH_LIMITS } from './keys/fetch-json.js';

/** Names an option of `AuthModuleOptions` the way the caller knows it (e.g. as a variable). */
export type OptionNamer = (option: keyof AuthModuleOptions) => string;

/**
 * Options that cannot be right. `option` is the one at fault; the message names options as
 * `AuthModuleOptions` does, and `problem` can name them the caller's way (an app maps them to
 * its environment variables).
 */
export class AuthConfigurationError extends Error {
  constructor(
    readonly option: keyof AuthModuleOptions,
    private readonly explanation: string | ((name: OptionNamer) => string),
  ) {
    super('');
    this.message = `${option}: ${this.problem((name) => name)}`;
  }

  /** What is wrong, with every option it mentions named by `name`. */
  problem(name: OptionNamer): string {
    return typeof this.explanation === 'string' ? this.explanation : this.explanation(name);
  }
}

/** Largest `tokenCacheSize` accepted: well beyond any sensible value, short of eating the heap. */
export const MAX_TOKEN_CACHE_SIZE = 1_000_000;

function checkUrl(
  value: string,
  option: 'authority' | 'metadataAddress' | 'introspectionEndpoint',
  requireHttps: boolean,
): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AuthConfigurationError(option, `${value} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AuthConfigurationError(option, `${value} is not an http(s) URL`);
  }
  if (requireHttps && url.protocol !== 'https:') {
    throw new AuthConfigurationError(
      option,
      (name) =>
        `${value} must use https unless ${name('requireHttpsMetadata')} is false (development only)`,
    );
  }
}

/** One claim, named or by dotted path; a list, or an empty segment, can only be a mistake. */
function resolveRolesClaim(value: string | undefined): string {
  const name = value?.trim() || DEFAULT_ROLES_CLAIM;
  if (/[\s,]/.test(name) || name.split('.').includes('')) {
    throw new AuthConfigurationError(
      'rolesClaim',
      `${name} is not one claim: give a name (groups) or a dotted path (realm_access.roles)`,
    );
  }
  return name;
}

/** The policies by name; each must be built with `policy()` and require something. */
function resolvePolicies(
  policies: AuthModuleOptions['policies'] = {},
): ReadonlyMap<string, PolicyDefinition<never>> {
  const byName = new Map<string, PolicyDefinition<never>>();
  for (const [name, value] of Object.entries(policies)) {
    if (name.trim() === '') throw new AuthConfigurationError('policies', 'a policy has no name');
    if (!isPolicyWithRequirements(value)) {
      throw new AuthConfigurationError(
        'policies',
        `${name} is not a policy built with policy(), or requires nothing`,
      );
    }
    byName.set(name, value);
  }
  return byName;
}

/** The listed authorities, trimmed and without repeats; each one an http(s) URL. */
function resolveAuthorities(options: AuthModuleOptions, requireHttps: boolean): string[] {
  const given = typeof options.authority === 'string' ? [options.authority] : options.authority;
  const authorities = [...new Set((given ?? []).map((a) => a.trim()).filter((a) => a !== ''))];
  if (authorities.length === 0) throw new AuthConfigurationError('authority', 'is required');
  for (const authority of authorities) {
    checkUrl(authority, 'authority', requireHttps);
    if (authority.split(TENANT_PLACEHOLDER).length > 2) {
      throw new AuthConfigurationError(
        'authority',
        `${authority} holds ${TENANT_PLACEHOLDER} twice`,
      );
    }
  }
  if (options.metadataAddress && authorities.length > 1) {
    throw new AuthConfigurationError(
      'metadataAddress',
      (name) =>
        `cannot be used with several authorities in ${name('authority')}: each one's metadata is found from its issuer`,
    );
  }
  if (options.metadataAddress) checkUrl(options.metadataAddress, 'metadataAddress', requireHttps);
  return authorities;
}

/** Tenant ids, lowercase; only for an Entra ID authority written with `{tenantid}`. */
function resolveTenants(options: AuthModuleOptions, authorities: readonly string[]): string[] {
  const tenants = (options.tenants ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean);
  if (tenants.length === 0) return [];
  if (!authorities.some(isIssuerTemplate)) {
    throw new AuthConfigurationError(
      'tenants',
      (name) =>
        `only applies to an authority written with ${TENANT_PLACEHOLDER} in ${name('authority')}`,
    );
  }
  const wrong = tenants.find((t) => !TENANT_ID.test(t));
  if (wrong !== undefined) {
    throw new AuthConfigurationError('tenants', `${wrong} is not a tenant id (a GUID)`);
  }
  return tenants;
}

/** `resource` and where its documentation is, both absolute; see `checkResource`. */
function resolveResource(
  options: AuthModuleOptions,
): Pick<ResolvedAuthOptions, 'resource' | 'resourceDocumentation'> {
  const resource = options.resource?.trim();
  if (!resource) return {};
  const problem = resourceProblem(resource);
  if (problem) throw new AuthConfigurationError('resource', `${resource} ${problem}`);
  const documentation = options.resourceDocumentation?.trim();
  return {
    resource,
    resourceDocumentation: documentation ? new URL(documentation, resource).href : undefined,
  };
}

type IntrospectionOptions = Pick<
  ResolvedAuthOptions,
  | 'introspection'
  | 'introspectionEndpoint'
  | 'introspectionClientId'
  | 'introspectionClientSecret'
  | 'introspectionCacheSeconds'
  | 'introspectionCallsPerSecond'
>;

function wholeNumber(
  option: 'introspectionCacheSeconds' | 'introspectionCallsPerSecond',
  value: number,
  min: number,
  max: number,
): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AuthConfigurationError(option, `must be a whole number, ${min}..${max}`);
  }
  return value;
}

/** Introspection: a known mode; when on, client credentials; when off, none of its settings. */
function resolveIntrospection(
  options: AuthModuleOptions,
  requireHttps: boolean,
): IntrospectionOptions {
  const mode = (options.introspection?.trim() || 'off') as IntrospectionMode;
  if (!INTROSPECTION_MODES.includes(mode)) {
    throw new AuthConfigurationError(
      'introspection',
      `${mode} is not one of ${INTROSPECTION_MODES.join(', ')}`,
    );
  }
  const endpoint = options.introspectionEndpoint?.trim() || undefined;
  const clientId = options.introspectionClientId?.trim() || undefined;
  const clientSecret = options.introspectionClientSecret || undefined;
  const given = {
    introspectionEndpoint: endpoint,
    introspectionClientId: clientId,
    introspectionClientSecret: clientSecret,
  } as const;
  if (mode === 'off') {
    const stray = (Object.keys(given) as (keyof typeof given)[]).find((k) => given[k]);
    if (stray) {
      throw new AuthConfigurationError(
        stray,
        (name) => `only applies when ${name('introspection')} is opaque or all`,
      );
    }
  } else {
    for (const option of ['introspectionClientId', 'introspectionClientSecret'] as const) {
      if (!given[option]) {
        throw new AuthConfigurationError(
          option,
          (name) => `is required when ${name('introspection')} is ${mode}`,
        );
      }
    }
    if (endpoint) checkUrl(endpoint, 'introspectionEndpoint', requireHttps);
  }
  return {
    introspection: mode,
    ...given,
    introspectionCacheSeconds: wholeNumber(
      'introspectionCacheSeconds',
      options.introspectionCacheSeconds ?? 60,
      0,
      86_400,
    ),
    introspectionCallsPerSecond: wholeNumber(
      'introspectionCallsPerSecond',
      options.introspectionCallsPerSecond ?? 50,
      1,
      10_000,
    ),
  };
}

/**
 * Fills in defaults and refuses what cannot be right: no audience, an authority that is not an
 * absolute URL, `http:` while HTTPS metadata is required, an unknown or symmetric algorithm, a
 * roles claim that is a list, a policy not built with `policy()`, a metadata address with several
 * authorities, a resource that is not an `https:` URL, introspection on without client
 * credentials (or its settings with introspection off).
 */
export function resolveAuthOptions(options: AuthModuleOptions): ResolvedAuthOptions {
  const requireHttpsMetadata = options.requireHttpsMetadata ?? true;
  const authorities = resolveAuthorities(options, requireHttpsMetadata);
  const audience = (
    typeof options.audience === 'string' ? [options.audience] : (options.audience ?? [])
  )
    .map((a) => a.trim())
    .filter((a) => a !== '');
  if (audience.length === 0) throw new AuthConfigurationError('audience', 'is required');

  const clockSkew = options.clockSkew ?? 60;
  if (!Number.isInteger(clockSkew) || clockSkew < 0 || clockSkew > 3600) {
    throw new AuthConfigurationError('clockSkew', 'must be a whole number of seconds, 0..3600');
  }
  const algorithms = options.algorithms ?? ASYMMETRIC_ALGORITHMS;
  if (algorithms.length === 0) throw new AuthConfigurationError('algorithms', 'is empty');
  for (const alg of algorithms) {
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new AuthConfigurationError(
        'algorithms',
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
      'tokenCacheSize',
      `must be a whole number of entries, 0..${MAX_TOKEN_CACHE_SIZE} (0 disables the cache)`,
    );
  }
  return {
    authorities,
    audience,
    tenants: resolveTenants(options, authorities),
    ...resolveResource(options),
    metadataAddress: options.metadataAddress || undefined,
    requireHttpsMetadata,
    clockSkew,
    algorithms: [...algorithms],
    includeErrorDetails: options.includeErrorDetails ?? true,
    requireAccessTokenType: options.requireAccessTokenType ?? false,
    maxTokenLength: options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH,
    fetchTimeoutMs: options.fetchTimeoutMs ?? DEFAULT_FETCH_LIMITS.timeoutMs,
    tokenCacheSize,
    rolesClaim: resolveRolesClaim(options.rolesClaim),
    policies: resolvePolicies(options.policies),
    ...resolveIntrospection(options, requireHttpsMetadata),
  };
}

/** What a token must satisfy under these options; the guard and the doctor CLI both use it. */
export function toTokenPolicy(options: ResolvedAuthOptions): TokenPolicy {
  return {
    issuers: options.authorities,
    tenants: options.tenants,
    audiences: options.audience,
    algorithms: options.algorithms,
    clockSkewSeconds: options.clockSkew,
    requireAtJwt: options.requireAccessTokenType,
    rolesClaim: claimPath(options.rolesClaim),
  };
}

/**
 * Where the module looks for an authority's metadata first (e.g. OpenAPI's `openIdConnectUrl`):
 * the first listed one's unless told.
 */
export function discoveryUrl(
  options: ResolvedAuthOptions,
  authority: string = options.authorities[0],
): string {
  return options.metadataAddress ?? metadataUrls(authority)[0];
}
