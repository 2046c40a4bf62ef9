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
 *
 * Synchronous when the resolver holds the key (the usual case: no promise, no microtask on the
 * hot path); a promise only when the key must be fetched first. Callers that don't care `await`
 * it either way; a refusal may then arrive as a throw or as a rejection.
 */
export function verifyAccessToken(
  token: string,
  policy: TokenPolicy,
  resolveKey: KeyResolver,
  nowSeconds: number,
  trace?: VerificationTrace,
): VerifiedToken | Promise<VerifiedToken> {
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
    if (found instanceof Promise) {
      return found
        .then((key) => verifyWithKey(decoded, key, authority, policy, nowSeconds, trace))
        .catch((error: unknown) => refused(error, decoded));
    }
    return verifyWithKey(decoded, found, authority, policy, nowSeconds, trace);
  } catch (error) {
    return refused(error, decoded);
  }
}

/** Steps 4 to 7, once the authority's key for the token's `kid` is at hand. */
function verifyWithKey(
  decoded: DecodedToken,
  key: VerificationKey,
  authority: string,
  policy: TokenPolicy,
  nowSeconds: number,
  trace: VerificationTrace | undefined,
): VerifiedToken {
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
}

/** Only on a refusal, for the log line: what the token said about itself. */
function refused(error: unknown, decoded: DecodedToken): never {
  if (error instanceof BearerError) error.withSummary(summarize(decoded.header, decoded.claims));
  throw error;
}
