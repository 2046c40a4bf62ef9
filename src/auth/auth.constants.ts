/** Metadata keys, namespaced like nestjs/throttler's. */
export const IS_PUBLIC_KEY = 'AUTH:PUBLIC';
export const SCOPES_KEY = 'AUTH:SCOPES';
export const ROLES_KEY = 'AUTH:ROLES';
export const POLICIES_KEY = 'AUTH:POLICIES';

/**
 * The module's one options token: its options checked and with defaults filled in
 * (`ResolvedAuthOptions`). Inject them with `@InjectAuthOptions()`.
 */
export const AUTH_OPTIONS = Symbol('auth:options');
export const TOKEN_POLICY = Symbol('auth:token-policy');

/** Asymmetric JWS algorithms (RFC 7518 §3.1). HS* and `none` are never accepted. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const;
