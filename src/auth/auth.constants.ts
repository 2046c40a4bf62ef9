/** Metadata keys, namespaced like nestjs/throttler's. */
export const IS_PUBLIC_KEY = 'AUTH:PUBLIC';
export const SCOPES_KEY = 'AUTH:SCOPES';

/** Where the guard leaves the extracted token for passport-jwt, and the unverified decode. */
export const BEARER_TOKEN = Symbol('auth:bearer-token');
export const DECODED_TOKEN = Symbol('auth:decoded-token');
/**
 * Where the guard leaves its own module's policy and key resolver for the strategy. Passport keeps
 * strategies in one process-wide registry, so with two apps in one process (tests) the `jwt`
 * strategy instance may belong to the other app; the request says which app's rules apply.
 */
export const TOKEN_VERIFIER = Symbol('auth:token-verifier');

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
