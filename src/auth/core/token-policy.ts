import type { KeyObject } from 'node:crypto';
import type { ClaimPath } from './claim-path.js';

/* What an access token must satisfy, and the keys it is checked with. */

export interface TokenPolicy {
  /**
   * The issuers a token may name (`iss`, matched exactly): the authorities, as confirmed by
   * discovery. An Entra ID template with `{tenantid}` accepts each tenant's issuer.
   */
  issuers: readonly string[];
  /** With a `{tenantid}` authority, the tenants accepted; empty or absent: any tenant. */
  tenants?: readonly string[];
  audiences: readonly string[];
  algorithms: readonly string[];
  clockSkewSeconds: number;
  /** RFC 9068 strict mode: `typ` must be `at+jwt`. */
  requireAtJwt: boolean;
  /** Where the principal's roles are read; not a check. Default: the `roles` claim. */
  rolesClaim?: ClaimPath;
}

/** A ready public key from the authority's JWKS. */
export interface VerificationKey {
  kid: string;
  key: KeyObject;
  /** The JWK's own `alg`, when it publishes one. */
  alg?: string;
}

/**
 * The key for a token's `kid` (and `alg`) among the keys of `authority`, the listed authority
 * the token's `iss` named; or a `BearerError`: 401 when that authority doesn't publish it, 503
 * when it can't be asked. A key already held may be returned at once.
 */
export type KeyResolver = (
  kid: string,
  alg: string,
  authority: string,
) => VerificationKey | Promise<VerificationKey>;
