import { ACCESS_TOKEN_CHECKS, verifyAccessToken, type VerificationTrace } from './access-token.js';
import { BearerError } from './bearer-errors.js';
import type { DecodedToken } from './decoded-token.js';
import type { Principal } from './principal.js';
import type { CheckName } from './token-checks.js';
import type { KeyResolver, TokenPolicy, VerificationKey } from './token-policy.js';

/* The report of one verification, check by check, for the doctor CLI. */

export interface CheckResult {
  name: CheckName;
  outcome: 'passed' | 'failed' | 'not_reached';
  /** Why it failed: the same error the API answers with. */
  error?: BearerError;
}

export interface TokenInspection {
  /** Every check of `ACCESS_TOKEN_CHECKS`, in order. */
  checks: CheckResult[];
  /** The first failure, exactly as the API reports it; undefined when the token is accepted. */
  error?: BearerError;
  /** What the token said about itself, when it could be decoded. */
  decoded?: DecodedToken;
  /** The listed authority the token's `iss` named, when it named one. */
  authority?: string;
  /** The key that was found for the token's `kid`. */
  key?: VerificationKey;
  /** Set when every check passed. */
  principal?: Principal;
}

/**
 * Runs the API's own `verifyAccessToken` and reports each check: passed, failed (with the error
 * the API would answer with), or not reached after the first failure. Only `BearerError`s count
 * as failures; anything else the key resolver throws propagates.
 */
export async function inspectAccessToken(
  token: string,
  policy: TokenPolicy,
  resolveKey: KeyResolver,
  nowSeconds: number,
): Promise<TokenInspection> {
  const trace: VerificationTrace = { passed: [] };
  let principal: Principal | undefined;
  let error: BearerError | undefined;
  try {
    ({ principal } = await verifyAccessToken(token, policy, resolveKey, nowSeconds, trace));
  } catch (failure) {
    if (!(failure instanceof BearerError)) throw failure;
    error = failure;
  }
  const checks = ACCESS_TOKEN_CHECKS.map((name, i): CheckResult => {
    if (i < trace.passed.length) return { name, outcome: 'passed' };
    if (i === trace.passed.length && error) return { name, outcome: 'failed', error };
    return { name, outcome: 'not_reached' };
  });
  const { decoded, authority, key } = trace;
  return { checks, error, decoded, authority, key, principal };
}
