import { AuthMessages } from './auth-messages.js';
import { InvalidTokenError } from './bearer-errors.js';
import type { DecodedToken } from './decoded-token.js';
import { routeByIssuer } from './issuer-routing.js';
import { toPrincipal, type Principal } from './principal.js';
import { CLAIM_CHECKS } from './token-checks.js';
import type { TokenPolicy } from './token-policy.js';

/*
 * The rules on an RFC 7662 introspection answer, the same as on a JWT's claims (CONTRACT.md,
 * "Introspection"): `active`, a listed `iss` (when present), an accepted `aud` (when present), a
 * future `exp` (with the clock skew), a `sub`. Scopes come from `scope`. No network here: the
 * call is `TokenIntrospector`'s (src/auth/introspection/).
 */

/** `AUTH_INTROSPECTION`: which tokens are validated by introspection instead of locally. */
export type IntrospectionMode = 'off' | 'opaque' | 'all';

export const INTROSPECTION_MODES: readonly IntrospectionMode[] = ['off', 'opaque', 'all'];

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * True when the token has the JWS compact form (three base64url segments, the first a JSON
 * object naming an `alg`). Anything else is an opaque (reference) token.
 */
export function isJwsCompact(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 || !SEGMENT.test(parts[0])) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && 'alg' in header;
  } catch {
    return false;
  }
}

/** Whether a token goes to introspection under `mode`. */
export const introspects = (mode: IntrospectionMode, token: string): boolean =>
  mode === 'all' || (mode === 'opaque' && !isJwsCompact(token));

/** `token_type` values of a bearer access token (RFC 7662 §2.2 uses RFC 6749 §7.1's types). */
const ACCESS_TOKEN_TYPES = new Set(['bearer', 'access_token']);

/** One of the JWT claim checks, run on the answer's fields. */
const runClaimCheck = (
  name: 'lifetime' | 'audience' | 'subject',
  claims: Record<string, unknown>,
  policy: TokenPolicy,
  nowSeconds: number,
) => {
  const token: DecodedToken = { header: { alg: 'none' }, claims, signingInput: '', signature: '' };
  CLAIM_CHECKS.find((check) => check.name === name)?.run(token, policy, nowSeconds);
};

export interface IntrospectedToken {
  principal: Principal;
  /** The listed authority: the answer's `iss`, or the first authority when it names none. */
  authority: string;
}

/**
 * The principal of an active answer, or the 401 that refuses it. `answer` is taken over (an
 * absent `iss` becomes the first authority's) and frozen with the principal.
 */
export function checkIntrospection(
  answer: Record<string, unknown>,
  policy: TokenPolicy,
  nowSeconds: number,
): IntrospectedToken {
  if (answer.active !== true) {
    throw new InvalidTokenError('token_inactive', AuthMessages.tokenInactive());
  }
  const type = answer.token_type;
  if (
    type !== undefined &&
    !(typeof type === 'string' && ACCESS_TOKEN_TYPES.has(type.toLowerCase()))
  ) {
    throw new InvalidTokenError('wrong_token_type', AuthMessages.introspectionTokenType(type));
  }
  if (answer.iss === undefined) answer.iss = policy.issuers[0];
  const authority = routeByIssuer(answer, policy);
  runClaimCheck('lifetime', answer, policy, nowSeconds);
  if (answer.aud !== undefined) runClaimCheck('audience', answer, policy, nowSeconds);
  runClaimCheck('subject', answer, policy, nowSeconds);
  return { principal: toPrincipal(answer, policy.rolesClaim), authority };
}
