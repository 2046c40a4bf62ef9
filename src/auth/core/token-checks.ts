import { AuthMessages } from './auth-messages.js';
import { InvalidTokenError, type RejectionReason } from './bearer-errors.js';
import type { DecodedToken } from './decoded-token.js';
import { parseScopes } from './scopes.js';
import type { TokenPolicy } from './token-policy.js';

/*
 * The checks that need no key, by name. Header checks run before any key is looked up (they cost
 * no network); claim checks run once the signature is good. The issuer is checked before both,
 * by `routeByIssuer`, so a foreign token never triggers a JWKS fetch. Each one returns, or throws
 * the refusal the API answers with.
 */

/** The name of each check, in the order `verifyAccessToken` runs them. Logs and the doctor use these. */
export type CheckName =
  | 'format'
  | 'issuer'
  | 'algorithm'
  | 'header'
  | 'type'
  | 'kid'
  | 'key'
  | 'key_fits'
  | 'signature'
  | 'token_use'
  | 'lifetime'
  | 'audience'
  | 'subject';

export interface TokenCheck {
  readonly name: CheckName;
  run(token: DecodedToken, policy: TokenPolicy, nowSeconds: number): void;
}

const refuse = (reason: RejectionReason, text: string) => new InvalidTokenError(reason, text);

const ACCESS_TOKEN_TYPES = new Set(['jwt', 'at+jwt', 'application/at+jwt']);
const STRICT_TYPES = new Set(['at+jwt', 'application/at+jwt']);

/**
 * After the issuer picked the authority (`routeByIssuer`), before the key, in order:
 * `algorithm`, `header`, `type`, `kid`.
 */
export const HEADER_CHECKS: readonly TokenCheck[] = [
  {
    name: 'algorithm',
    run({ header, signature }, policy) {
      if (typeof header.alg !== 'string' || !policy.algorithms.includes(header.alg)) {
        throw refuse(
          'algorithm_not_allowed',
          AuthMessages.algorithmNotAllowed(header.alg, policy.algorithms),
        );
      }
      if (signature === '') {
        throw refuse('malformed_token', AuthMessages.malformedToken('it has no signature'));
      }
    },
  },
  {
    name: 'header',
    run({ header }) {
      if (header.crit !== undefined) {
        throw refuse('unsupported_header', AuthMessages.unsupportedCrit(header.crit));
      }
      if (header.b64 !== undefined && header.b64 !== true) {
        throw refuse('unsupported_header', AuthMessages.unencodedPayload());
      }
    },
  },
  {
    name: 'type',
    run({ header }, policy) {
      if (header.typ === undefined && !policy.requireAtJwt) return;
      const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
      const accepted = policy.requireAtJwt ? STRICT_TYPES : ACCESS_TOKEN_TYPES;
      if (typ === undefined || !accepted.has(typ)) {
        const text = policy.requireAtJwt
          ? AuthMessages.atJwtRequired(header.typ)
          : AuthMessages.wrongTokenType(header.typ);
        throw refuse('wrong_token_type', text);
      }
    },
  },
  {
    name: 'kid',
    run({ header }) {
      if (typeof header.kid !== 'string' || header.kid === '') {
        throw refuse('missing_kid', AuthMessages.missingKid());
      }
    },
  },
];

/** The largest NumericDate a `Date` can hold (ECMA-262: ±8.64e15 ms): every checked time can be shown. */
const MAX_NUMERIC_DATE = 8.64e12;
const isNumericDate = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_NUMERIC_DATE;

/**
 * The time-dependent part of `lifetime`: `exp` and `nbf` with the clock skew. Runs again on every
 * cache hit; expects numbers, which `lifetime` makes sure of first.
 */
export function checkLifetime(
  claims: Readonly<Record<string, unknown>>,
  policy: TokenPolicy,
  nowSeconds: number,
): void {
  const exp = claims.exp as number;
  if (nowSeconds - policy.clockSkewSeconds >= exp)
    throw refuse('expired', AuthMessages.expired(exp));
  const nbf = claims.nbf as number | undefined;
  if (nbf !== undefined && nowSeconds + policy.clockSkewSeconds < nbf) {
    throw refuse('not_yet_valid', AuthMessages.notYetValid(nbf));
  }
}

function idTokenEvidence(claims: Record<string, unknown>): string | undefined {
  if (claims.nonce !== undefined) return 'it carries nonce';
  if (claims.at_hash !== undefined) return 'it carries at_hash';
  if (claims.c_hash !== undefined) return 'it carries c_hash';
  const client = claims.azp ?? claims.client_id;
  if (client === undefined) return undefined;
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (audiences.includes(client) && parseScopes(claims).length === 0) {
    return 'its audience is a client and it has no scope';
  }
  return undefined;
}

function hasAcceptedAudience(aud: unknown, accepted: readonly string[]): boolean {
  if (typeof aud === 'string') return accepted.includes(aud);
  return Array.isArray(aud) && aud.some((a) => typeof a === 'string' && accepted.includes(a));
}

/** After the signature, in order: `token_use`, `lifetime`, `audience`, `subject`. */
export const CLAIM_CHECKS: readonly TokenCheck[] = [
  {
    name: 'token_use',
    run({ claims }) {
      const evidence = idTokenEvidence(claims);
      if (evidence) throw refuse('id_token', AuthMessages.idToken(evidence));
    },
  },
  {
    name: 'lifetime',
    run({ claims }, policy, nowSeconds) {
      if (claims.exp === undefined) throw refuse('missing_exp', AuthMessages.missingExp());
      if (!isNumericDate(claims.exp))
        throw refuse('invalid_claim', AuthMessages.invalidClaim('exp'));
      if (claims.nbf !== undefined && !isNumericDate(claims.nbf)) {
        throw refuse('invalid_claim', AuthMessages.invalidClaim('nbf'));
      }
      if (claims.iat !== undefined && !isNumericDate(claims.iat)) {
        throw refuse('invalid_claim', AuthMessages.invalidClaim('iat'));
      }
      checkLifetime(claims, policy, nowSeconds);
    },
  },
  {
    name: 'audience',
    run({ claims }, policy) {
      if (!hasAcceptedAudience(claims.aud, policy.audiences)) {
        throw refuse('wrong_audience', AuthMessages.wrongAudience(claims.aud, policy.audiences));
      }
    },
  },
  {
    // RFC 9068 §2.2: the caller's identity. Without it, every such token would share one.
    name: 'subject',
    run({ claims }) {
      if (claims.sub === undefined || claims.sub === '') {
        throw refuse('missing_sub', AuthMessages.missingSub());
      }
      if (typeof claims.sub !== 'string') {
        throw refuse('invalid_claim', AuthMessages.subNotString(claims.sub));
      }
    },
  },
];
