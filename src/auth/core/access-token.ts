import { BearerError } from './bearer-errors.js';
import { decodeToken, summarize, type DecodedToken } from './decoded-token.js';
import { routeByIssuer } from './issuer-routing.js';
import { checkKeyFits } from './key-fit.js';
import { toPrincipal, type Principal } from './principal.js';
import { checkSignature } from './signature.js';
import { CLAIM_CHECKS, HEADER_CHECKS, type CheckName } from './token-checks.js';
import type { KeyResolver, TokenPolicy, VerificationKey } from './token-policy.js';

/*
 * Verification of a JWT access token, start to end, in this order:
 *
 * 1. `format`: `decodeToken` reads the JWS compact form once; every later step uses its parts.
 * 2. `issuer`: `routeByIssuer` picks the listed authority the token's `iss` names, or refuses it.
 *    No key lookup and no network: a foreign token never triggers a fetch.
 * 3. `HEADER_CHECKS`: algorithm (allowlist, signed), header (`crit`, `b64`), type, kid.
 * 4. `key` among that authority's keys only (the caller's `KeyResolver`), then `key_fits`: one
 *    key, one algorithm.
 * 5. `signature`, with node:crypto.
 * 6. `CLAIM_CHECKS`: not an ID token, lifetime, audience, subject.
 * 7. The principal, built once.
 */

/** The names of all checks, in the order `verifyAccessToken` runs them. */
export const ACCESS_TOKEN_CHECKS: readonly CheckName[] = [
  'format',
  'issuer',
  ...HEADER_CHECKS.map((check) => check.name),
  'key',
  'key_fits',
  'signature',
  ...CLAIM_CHECKS.map((check) => check.name),
];

export interface VerifiedToken {
  principal: Principal;
  /** The key that verified the signature: the cache forgets the token when it leaves the JWKS. */
  kid: string;
  /** The listed authority the token named, whose keys verified it. */
  authority: string;
}

/**
 * What a verification got through, for a report of every check (`inspectAccessToken`). The API
 * passes none.
 */
export interface VerificationTrace {
  decoded?: DecodedToken;
  /** The listed authority the token's `iss` named. */
  authority?: string;
  key?: VerificationKey;
  /** The checks passed so far, in order. */
  passed: CheckName[];
}

/**
 * Runs every check in order and returns the principal, or throws the first refusal: a
 * `BearerError` carrying what the token said about itself (or whatever the resolver throws).
 */
export async function verifyAccessToken(
  token: string,
  policy: TokenPolicy,
  resolveKey: KeyResolver,
  nowSeconds: number,
  trace?: VerificationTrace,
): Promise<VerifiedToken> {
  const decoded = decodeToken(token);
  trace?.passed.push('format');
  if (trace) trace.decoded = decoded;
  try {
    const authority = routeByIssuer(decoded.claims, policy);
    if (trace) trace.authority = authority;
    trace?.passed.push('issuer');
    for (const check of HEADER_CHECKS) {
      check.run(decoded, policy, nowSeconds);
      trace?.passed.push(check.name);
    }
    const found = resolveKey(decoded.header.kid as string, decoded.header.alg, authority);
    const key = found instanceof Promise ? await found : found;
    if (trace) trace.key = key;
    trace?.passed.push('key');
    checkKeyFits(decoded.header.alg, key);
    trace?.passed.push('key_fits');
    checkSignature(decoded, key);
    trace?.passed.push('signature');
    for (const check of CLAIM_CHECKS) {
      check.run(decoded, policy, nowSeconds);
      trace?.passed.push(check.name);
    }
    return { principal: toPrincipal(decoded.claims, policy.rolesClaim), kid: key.kid, authority };
  } catch (error) {
    // Only now, for the log line: what the token said about itself.
    if (error instanceof BearerError) error.withSummary(summarize(decoded.header, decoded.claims));
    throw error;
  }
}
