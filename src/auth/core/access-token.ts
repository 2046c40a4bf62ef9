import { createPublicKey, type KeyObject } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { AuthMessages } from './auth-messages.js';
import { BearerError, InvalidTokenError, type TokenSummary } from './bearer-errors.js';
import { toPrincipal, type Principal } from './principal.js';
import { parseScopes } from './scopes.js';

/**
 * The checks an access token goes through, in this order (`ACCESS_TOKEN_CHECKS`):
 *
 * 1. `format`: the JWS compact form and JSON-object header and payload (`decodeUntrusted`).
 * 2. Before any key is looked up (`checkBeforeKey`): `algorithm` (allowlist, signed), `header`
 *    (`crit`, `b64`), `type` (`typ`), `issuer`, `kid`. These cost no key lookup and no network,
 *    so a token from a foreign authority never triggers a JWKS fetch.
 * 3. `key` (the caller's `KeyResolver`) and `key_fits` (`checkKeyFits`): one key, one algorithm.
 * 4. `signature` (`verifySignature`).
 * 5. Claims, after the signature (`checkClaims`): `token_use` (not an ID token), `lifetime`
 *    (`exp` required, `nbf`, `iat`), `audience`.
 *
 * `inspectAccessToken` runs them and reports each one; `verifyAccessToken` throws the first
 * failure. The Passport strategy's key provider runs `inspectAccessToken` through `key_fits`,
 * passport-jwt verifies the signature with that key, and `validate` runs `checkClaims` (the same
 * claim checks). The doctor CLI prints `inspectAccessToken`'s whole report.
 */

export interface TokenPolicy {
  /** The exact issuer a token must name: the authority, as confirmed by discovery. */
  issuer: string;
  audiences: readonly string[];
  algorithms: readonly string[];
  clockSkewSeconds: number;
  /** RFC 9068 strict mode: `typ` must be `at+jwt`. */
  requireAtJwt: boolean;
}

export interface JwsHeader {
  alg: string;
  kid?: string;
  typ?: string;
  [name: string]: unknown;
}

export interface DecodedToken {
  header: JwsHeader;
  claims: Record<string, unknown>;
  summary: TokenSummary;
  /** False when the signature segment is empty (as in `alg: none` tokens). */
  signed: boolean;
}

/** A ready public key from the authority's JWKS. */
export interface VerificationKey {
  kid: string;
  key: KeyObject;
  /** The JWK's own `alg`, when it publishes one. */
  alg?: string;
}

export type KeyResolver = (kid: string, alg: string) => Promise<VerificationKey>;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ACCESS_TOKEN_TYPES = new Set(['jwt', 'at+jwt', 'application/at+jwt']);
const STRICT_TYPES = new Set(['at+jwt', 'application/at+jwt']);

function parseSegment(segment: string, what: string): unknown {
  if (!BASE64URL.test(segment)) throw malformed(`its ${what} is not base64url`);
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw malformed(`its ${what} is not JSON`);
  }
}

function malformed(why: string): InvalidTokenError {
  return new InvalidTokenError('malformed_token', AuthMessages.malformedToken(why));
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function summarize(header: unknown, claims: unknown): TokenSummary {
  const h = isObject(header) ? header : {};
  const c = isObject(claims) ? claims : {};
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : undefined);
  const aud = Array.isArray(c.aud) ? c.aud.filter((a) => typeof a === 'string') : str(c.aud);
  return {
    iss: str(c.iss),
    kid: str(h.kid),
    aud,
    sub: str(c.sub),
    clientId: str(c.client_id) ?? str(c.azp) ?? str(c.cid) ?? str(c.appid),
  };
}

/** Step 1. Reads header and claims without trusting them. */
export function decodeUntrusted(token: string): DecodedToken {
  const parts = token.split('.');
  if (parts.length === 1) throw malformed('it is opaque, not a JWT');
  if (parts.length === 5) throw malformed('it is encrypted (JWE), not signed');
  if (parts.length !== 3) throw malformed(`it has ${parts.length} parts instead of 3`);
  const header = parseSegment(parts[0], 'header');
  if (!isObject(header)) throw malformed('its header is not a JSON object');
  const claims = parseSegment(parts[1], 'payload');
  if (!isObject(claims)) {
    throw new InvalidTokenError('payload_not_object', AuthMessages.payloadNotObject()).withSummary(
      summarize(header, {}),
    );
  }
  return {
    header: header as JwsHeader,
    claims,
    summary: summarize(header, claims),
    signed: parts[2] !== '',
  };
}

/** The name of each check, in the order they run. Logs, tests and the doctor CLI use these. */
export type CheckName =
  | 'format'
  | 'algorithm'
  | 'header'
  | 'type'
  | 'issuer'
  | 'kid'
  | 'key'
  | 'key_fits'
  | 'signature'
  | 'token_use'
  | 'lifetime'
  | 'audience';

interface Check<Input> {
  name: CheckName;
  run(input: Input, policy: TokenPolicy): void;
}

type Reason = ConstructorParameters<typeof InvalidTokenError>[0];
const refuse = (summary: TokenSummary, reason: Reason, text: string) =>
  new InvalidTokenError(reason, text).withSummary(summary);

/** Step 2, in order: header and issuer, before any key is looked up. */
const BEFORE_KEY_CHECKS: readonly Check<DecodedToken>[] = [
  {
    name: 'algorithm',
    run({ header, summary, signed }, policy) {
      if (typeof header.alg !== 'string' || !policy.algorithms.includes(header.alg)) {
        const text = AuthMessages.algorithmNotAllowed(header.alg, policy.algorithms);
        throw refuse(summary, 'algorithm_not_allowed', text);
      }
      if (!signed) {
        throw refuse(
          summary,
          'malformed_token',
          AuthMessages.malformedToken('it has no signature'),
        );
      }
    },
  },
  {
    name: 'header',
    run({ header, summary }) {
      if (header.crit !== undefined) {
        throw refuse(summary, 'unsupported_header', AuthMessages.unsupportedCrit(header.crit));
      }
      if (header.b64 !== undefined && header.b64 !== true) {
        throw refuse(summary, 'unsupported_header', AuthMessages.unencodedPayload());
      }
    },
  },
  {
    name: 'type',
    run({ header, summary }, policy) {
      const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
      const accepted = policy.requireAtJwt ? STRICT_TYPES : ACCESS_TOKEN_TYPES;
      if ((header.typ !== undefined || policy.requireAtJwt) && !(typ && accepted.has(typ))) {
        const text = policy.requireAtJwt
          ? AuthMessages.atJwtRequired(header.typ)
          : AuthMessages.wrongTokenType(header.typ);
        throw refuse(summary, 'wrong_token_type', text);
      }
    },
  },
  {
    name: 'issuer',
    run({ claims, summary }, policy) {
      if (claims.iss !== policy.issuer) {
        throw refuse(summary, 'wrong_issuer', AuthMessages.wrongIssuer(claims.iss, policy.issuer));
      }
    },
  },
  {
    name: 'kid',
    run({ header, summary }) {
      if (typeof header.kid !== 'string' || header.kid === '') {
        throw refuse(summary, 'missing_kid', AuthMessages.missingKid());
      }
    },
  },
];

/** Step 2. Header and issuer, before any key is looked up. */
export function checkBeforeKey(decoded: DecodedToken, policy: TokenPolicy): void {
  for (const check of BEFORE_KEY_CHECKS) check.run(decoded, policy);
}

const EC_CURVES: Record<string, string> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};

/** Step 3. One key, one algorithm (RFC 8725 §3.1): the key type, curve and JWK `alg` must fit. */
export function checkKeyFits(alg: string, vk: VerificationKey, summary: TokenSummary = {}): void {
  const type = vk.key.asymmetricKeyType;
  const fits =
    (vk.alg === undefined || vk.alg === alg) &&
    (alg.startsWith('RS') || alg.startsWith('PS')
      ? type === 'rsa' || (type === 'rsa-pss' && alg.startsWith('PS'))
      : type === 'ec' && vk.key.asymmetricKeyDetails?.namedCurve === EC_CURVES[alg]);
  if (!fits) {
    const keyAlg = vk.alg ?? `${type ?? 'unknown'} keys`;
    throw new InvalidTokenError(
      'algorithm_key_mismatch',
      AuthMessages.algorithmKeyMismatch(alg, vk.kid, keyAlg),
    ).withSummary(summary);
  }
}

/** Step 4. The signature, by jsonwebtoken, with exactly the one algorithm already checked. */
export function verifySignature(token: string, alg: string, vk: VerificationKey): void {
  try {
    jsonwebtoken.verify(token, vk.key, {
      algorithms: [alg as jsonwebtoken.Algorithm],
      ignoreExpiration: true,
      ignoreNotBefore: true,
    });
  } catch {
    throw new InvalidTokenError('bad_signature', AuthMessages.badSignature(vk.kid));
  }
}

function idTokenEvidence(claims: Record<string, unknown>): string | undefined {
  for (const name of ['nonce', 'at_hash', 'c_hash']) {
    if (claims[name] !== undefined) return `it carries ${name}`;
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const client = claims.azp ?? claims.client_id;
  if (parseScopes(claims).length === 0 && client !== undefined && audiences.includes(client)) {
    return 'its audience is a client and it has no scope';
  }
  return undefined;
}

/** The largest NumericDate a `Date` can hold (ECMA-262: ±8.64e15 ms): every checked time can be shown. */
const MAX_NUMERIC_DATE = 8.64e12;
const isNumericDate = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_NUMERIC_DATE;

/** Step 5. Claims, after the signature. Time is checked here on every use, cached or not. */
export function checkClaims(
  claims: Record<string, unknown>,
  policy: TokenPolicy,
  nowSeconds: number,
  summary: TokenSummary = {},
): void {
  for (const check of CLAIM_CHECKS) check.run({ claims, nowSeconds, summary }, policy);
}

/**
 * The time-dependent part of the `lifetime` check: `exp` and `nbf`, with the clock skew. Expects
 * `exp` (and `nbf`, when present) to be numbers, which the `lifetime` check makes sure of first.
 */
export function checkLifetime(
  claims: Readonly<Record<string, unknown>>,
  policy: TokenPolicy,
  nowSeconds: number,
  summary: TokenSummary = {},
): void {
  const exp = claims.exp as number;
  if (nowSeconds - policy.clockSkewSeconds >= exp) {
    throw refuse(summary, 'expired', AuthMessages.expired(exp));
  }
  const nbf = claims.nbf as number | undefined;
  if (nbf !== undefined && nowSeconds + policy.clockSkewSeconds < nbf) {
    throw refuse(summary, 'not_yet_valid', AuthMessages.notYetValid(nbf));
  }
}

interface ClaimsInput {
  claims: Record<string, unknown>;
  nowSeconds: number;
  summary: TokenSummary;
}

/** Step 5, in order: the claims, once the signature is known to be good. */
const CLAIM_CHECKS: readonly Check<ClaimsInput>[] = [
  {
    name: 'token_use',
    run({ claims, summary }) {
      const evidence = idTokenEvidence(claims);
      if (evidence) throw refuse(summary, 'id_token', AuthMessages.idToken(evidence));
    },
  },
  {
    name: 'lifetime',
    run({ claims, nowSeconds, summary }, policy) {
      if (claims.exp === undefined) throw refuse(summary, 'missing_exp', AuthMessages.missingExp());
      for (const name of ['exp', 'nbf', 'iat']) {
        if (claims[name] !== undefined && !isNumericDate(claims[name])) {
          throw refuse(summary, 'invalid_claim', AuthMessages.invalidClaim(name));
        }
      }
      checkLifetime(claims, policy, nowSeconds, summary);
    },
  },
  {
    name: 'audience',
    run({ claims, summary }, policy) {
      const aud = claims.aud;
      const audiences = Array.isArray(aud) ? aud : [aud];
      if (!audiences.some((a) => typeof a === 'string' && policy.audiences.includes(a))) {
        throw refuse(summary, 'wrong_audience', AuthMessages.wrongAudience(aud, policy.audiences));
      }
    },
  },
];

interface PipelineState {
  token: string;
  policy: TokenPolicy;
  resolveKey: KeyResolver;
  nowSeconds: number;
  decoded?: DecodedToken;
  key?: VerificationKey;
}

interface Step {
  name: CheckName;
  run(state: PipelineState): void | Promise<void>;
}

const decodedOf = (state: PipelineState) => state.decoded as DecodedToken;
const keyOf = (state: PipelineState) => state.key as VerificationKey;

/** The whole pipeline, in order. This list is the only place the order is written down. */
const STEPS: readonly Step[] = [
  { name: 'format', run: (s) => void (s.decoded = decodeUntrusted(s.token)) },
  ...BEFORE_KEY_CHECKS.map((check): Step => ({
    name: check.name,
    run: (s) => check.run(decodedOf(s), s.policy),
  })),
  {
    name: 'key',
    async run(s) {
      const { header, summary } = decodedOf(s);
      try {
        s.key = await s.resolveKey(header.kid as string, header.alg);
      } catch (error) {
        if (error instanceof BearerError && Object.keys(error.summary).length === 0) {
          error.withSummary(summary);
        }
        throw error;
      }
    },
  },
  {
    name: 'key_fits',
    run: (s) => checkKeyFits(decodedOf(s).header.alg, keyOf(s), decodedOf(s).summary),
  },
  {
    name: 'signature',
    run(s) {
      try {
        verifySignature(s.token, decodedOf(s).header.alg, keyOf(s));
      } catch (error) {
        throw (error as InvalidTokenError).withSummary(decodedOf(s).summary);
      }
    },
  },
  ...CLAIM_CHECKS.map((check): Step => ({
    name: check.name,
    run: (s) => {
      const { claims, summary } = decodedOf(s);
      check.run({ claims, nowSeconds: s.nowSeconds, summary }, s.policy);
    },
  })),
];

/** The names of all checks, in the order `inspectAccessToken` runs them. */
export const ACCESS_TOKEN_CHECKS: readonly CheckName[] = STEPS.map((step) => step.name);

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
  /** The key that was found for the token's `kid`. */
  key?: VerificationKey;
  /** Set when every check ran and passed. */
  principal?: Principal;
}

export interface InspectOptions {
  /**
   * Stop after this check; later ones are left out of the report. The API's key provider stops
   * at `key_fits`, because passport-jwt then verifies the signature and `validate` runs
   * `checkClaims`.
   */
  through?: CheckName;
}

/**
 * Runs every check in order and reports each one: passed, failed (with the error the API would
 * answer with), or not reached after the first failure. Only `BearerError`s count as failures;
 * anything else the key resolver throws propagates.
 */
export async function inspectAccessToken(
  token: string,
  policy: TokenPolicy,
  resolveKey: KeyResolver,
  nowSeconds = Date.now() / 1000,
  { through }: InspectOptions = {},
): Promise<TokenInspection> {
  const state: PipelineState = { token, policy, resolveKey, nowSeconds };
  const checks: CheckResult[] = [];
  let error: BearerError | undefined;
  const steps = through ? STEPS.slice(0, ACCESS_TOKEN_CHECKS.indexOf(through) + 1) : STEPS;
  for (const step of steps) {
    if (error) {
      checks.push({ name: step.name, outcome: 'not_reached' });
      continue;
    }
    try {
      await step.run(state);
      checks.push({ name: step.name, outcome: 'passed' });
    } catch (failure) {
      if (!(failure instanceof BearerError)) throw failure;
      error = failure;
      checks.push({ name: step.name, outcome: 'failed', error });
    }
  }
  const { decoded, key } = state;
  return {
    checks,
    error,
    decoded,
    key,
    principal: error || !decoded || steps !== STEPS ? undefined : toPrincipal(decoded.claims),
  };
}

export interface VerifiedToken {
  principal: Principal;
  header: JwsHeader;
  kid: string;
}

/** All checks, in order. Throws the first failure: a `BearerError` (or whatever the resolver throws). */
export async function verifyAccessToken(
  token: string,
  policy: TokenPolicy,
  resolveKey: KeyResolver,
  nowSeconds = Date.now() / 1000,
): Promise<VerifiedToken> {
  const { error, decoded, key, principal } = await inspectAccessToken(
    token,
    policy,
    resolveKey,
    nowSeconds,
  );
  if (error) throw error;
  return {
    principal: principal as Principal,
    header: (decoded as DecodedToken).header,
    kid: (key as VerificationKey).kid,
  };
}

/** Imports a PEM or JWK once into a `KeyObject`; keys are never re-parsed per request. */
export const toKeyObject = (pem: string): KeyObject => createPublicKey(pem);
