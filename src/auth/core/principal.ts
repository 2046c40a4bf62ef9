import type { ClaimPath } from './claim-path.js';
import { readRoles } from './roles.js';
import { parseScopes } from './scopes.js';

/** Who called, as established by a verified access token. Immutable: cache hits share it. */
export interface Principal {
  /** The `sub` claim: a user, or for client_credentials the client itself. Never empty. */
  readonly sub: string;
  /** From `scope` and `scp`, see `parseScopes`. */
  readonly scopes: readonly string[];
  /** From the configured roles claim (`rolesClaim`), see `readRoles`. */
  readonly roles: readonly string[];
  readonly issuer: string;
  /** `client_id` (RFC 9068), else `azp`, `cid` (Okta) or `appid` (Entra v1). */
  readonly clientId?: string;
  /** The `exp` claim, in seconds since the epoch. */
  readonly exp: number;
  /** `exp` as a `Date`: a new one on every read, so no caller can move another's. */
  readonly expiresAt: Date;
  /** Every claim of the token, verified, frozen all the way down. */
  readonly claims: Readonly<Record<string, unknown>>;
}

function firstString(
  claims: Record<string, unknown>,
  names: readonly string[],
): string | undefined {
  for (const name of names) {
    const value = claims[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

const CLIENT_ID_CLAIMS = ['client_id', 'azp', 'cid', 'appid'] as const;

/** Freezes a JSON value and everything in it (a payload is at most a few KB deep). */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}

class VerifiedPrincipal implements Principal {
  readonly sub: string;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
  readonly issuer: string;
  readonly clientId?: string;
  readonly exp: number;
  readonly claims: Readonly<Record<string, unknown>>;

  constructor(claims: Record<string, unknown>, rolesClaim?: ClaimPath) {
    this.sub = claims.sub as string;
    this.scopes = Object.freeze(parseScopes(claims));
    this.roles = Object.freeze(readRoles(claims, rolesClaim));
    this.issuer = claims.iss as string;
    this.clientId = firstString(claims, CLIENT_ID_CLAIMS);
    this.exp = claims.exp as number;
    // The parsed payload itself, never a copy: `Object.assign` would run a `__proto__` claim's
    // setter and give the claims a prototype chosen by the token.
    this.claims = deepFreeze(claims);
    Object.freeze(this);
  }

  get expiresAt(): Date {
    return new Date(this.exp * 1000);
  }
}

/**
 * The principal of verified claims: `iss`, `exp` and `sub` have been checked before this runs.
 * Built once per verified token; the claims object is taken over and frozen. Roles are read from
 * `rolesClaim` (default: the `roles` claim).
 */
export function toPrincipal(claims: Record<string, unknown>, rolesClaim?: ClaimPath): Principal {
  return new VerifiedPrincipal(claims, rolesClaim);
}
