import type { PolicyDefinition } from './core/authorization-policy.js';
import type { IntrospectionMode } from './core/introspection.js';

/**
 * Options of `AuthModule`, named after ASP.NET Core's `JwtBearerOptions` so a team that knows
 * `AddJwtBearer(o => { o.Authority = ...; o.Audience = ...; })` knows these.
 */
export interface AuthModuleOptions {
  /**
   * Issuer URL of the authorization server (`Authority`), or several. Metadata is discovered from
   * `<authority>/.well-known/openid-configuration` (then RFC 8414's location); the document's
   * `issuer` must equal this value exactly, and so must every token's `iss`. With several, a
   * token's `iss` picks its authority, each with its own metadata and keys (docs/authorities.md).
   * @example 'https://dev-123.okta.com/oauth2/default'
   * @example ['https://login.example.com/', 'https://example.eu.auth0.com/']
   */
  authority: string | readonly string[];
  /** Accepted audience(s) (`Audience` / `ValidAudiences`); a token passes when its `aud` holds one. */
  audience: string | readonly string[];
  /**
   * With an Entra ID authority written `https://login.microsoftonline.com/{tenantid}/v2.0`, the
   * tenants accepted (their ids). Default: any tenant whose token names its own `tid`.
   */
  tenants?: readonly string[];
  /**
   * This API's resource identifier, an `https:` URL (RFC 8707 / RFC 9728). When set, its
   * protected-resource metadata is served at `/.well-known/oauth-protected-resource` (path
   * inserted: `https://api.example.com/mcp` → `/.well-known/oauth-protected-resource/mcp`), and
   * every 401 challenge points at it (`resource_metadata=`). Default: unset (off).
   */
  resource?: string;
  /**
   * `resource_documentation` of that metadata: a URL, or a path on the resource's origin (the
   * app passes `/docs`). Default: none.
   */
  resourceDocumentation?: string;
  /** Explicit discovery URL (`MetadataAddress`), one authority only. Default: from `authority`. */
  metadataAddress?: string;
  /** Refuse `http:` authority, metadata and JWKS URLs (`RequireHttpsMetadata`). Default `true`. */
  requireHttpsMetadata?: boolean;
  /** Tolerance on `exp` and `nbf`, in seconds (`ClockSkew`). Default `60` (ASP.NET: 300). */
  clockSkew?: number;
  /** Accepted JWS algorithms, asymmetric only (`ValidAlgorithms`). Default: RS, PS and ES 256–512. */
  algorithms?: readonly string[];
  /** Send `error_description` in challenges and bodies (`IncludeErrorDetails`). Default `true`. */
  includeErrorDetails?: boolean;
  /** RFC 9068 strict mode: the token's `typ` must be `at+jwt` (`ValidTypes`). Default `false`. */
  requireAccessTokenType?: boolean;
  /** Longest token accepted, checked before any parsing. Default `8192`. */
  maxTokenLength?: number;
  /** Time limit of each discovery or JWKS request, in milliseconds. Default `5000`. */
  fetchTimeoutMs?: number;
  /**
   * Entries of the verified-token cache (an LRU keyed by the token's SHA-256): a token's
   * signature is checked once, later requests with it cost a hash and a lookup. Entries end at
   * the token's `exp` and when its key leaves the JWKS; `exp`/`nbf` and scopes are still checked
   * on every request. `0` disables the cache. Default `2000` (about 0.7 KB per entry).
   */
  tokenCacheSize?: number;
  /**
   * Where the caller's roles are read (`RoleClaimType`): a claim name or a dotted path, e.g.
   * `groups` (Okta), `realm_access.roles` (Keycloak), `permissions` (Auth0 RBAC). A claim named
   * exactly so wins over the path. Default `roles` (Entra). See docs/authorization.md.
   */
  rolesClaim?: string;
  /**
   * Named policies for `@Policy(name)` and `AuthorizationService` (`AddAuthorization`), built
   * with `policy()`. Default: none.
   * @example { 'reports.export': policy().requireScopes('reports:read').requireAnyRole('auditor') }
   */
  policies?: Readonly<Record<string, PolicyDefinition<never>>>;
  /**
   * RFC 7662 introspection: `off`; `opaque` (tokens that are not a JWS are introspected, JWTs are
   * still verified locally); `all` (every token is, e.g. for Okta's Org server). Default `off`.
   * See docs/introspection.md.
   */
  introspection?: IntrospectionMode;
  /** Introspection URL. Default: the first authority's `introspection_endpoint` (metadata). */
  introspectionEndpoint?: string;
  /** The API's own client id for the introspection call (`client_secret_basic`). */
  introspectionClientId?: string;
  /** That client's secret. */
  introspectionClientSecret?: string;
  /** Longest reuse of an active answer, in seconds (never past its `exp`); `0`: ask every time. Default `60`. */
  introspectionCacheSeconds?: number;
  /** Introspection calls per second that new tokens may cost (also the burst). Default `50`. */
  introspectionCallsPerSecond?: number;
}

export type ResolvedAuthOptions = Required<
  Omit<
    AuthModuleOptions,
    | 'authority'
    | 'metadataAddress'
    | 'audience'
    | 'policies'
    | 'resource'
    | 'resourceDocumentation'
    | 'introspectionEndpoint'
    | 'introspectionClientId'
    | 'introspectionClientSecret'
  >
> & {
  introspectionEndpoint?: string;
  /** Set whenever `introspection` is not `off`. */
  introspectionClientId?: string;
  introspectionClientSecret?: string;
  /** The listed authorities, at least one, in order. */
  authorities: readonly string[];
  audience: readonly string[];
  metadataAddress?: string;
  /** The registered policies, by name. */
  policies: ReadonlyMap<string, PolicyDefinition<never>>;
  resource?: string;
  /** An absolute URL, when set. */
  resourceDocumentation?: string;
};
