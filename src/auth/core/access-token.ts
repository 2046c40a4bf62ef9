import { createPublicKey, type KeyObject } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { AuthMessages } from './auth-messages.js';
import { InvalidTokenError, type TokenSummary } from './bearer-errors.js';
import { toPrincipal, type Principal } from './principal.js';
import { parseScopes } from './scopes.js';

/**
 * The checks an access token goes through, in this order:
 *
 * 1. `decodeUntrusted`: the JWS compact form and JSON-object header and payload.
 * 2. `checkBeforeKey`: algorithm allowlist, `crit`, `b64`, `typ`, `kid`, and the issuer. These cost
 *    no key lookup and no network, so a token from a foreign authority never triggers a JWKS fetch.
 * 3. key lookup (the caller's `KeyResolver`) and `checkKeyFits`: one key, one algorithm.
 * 4. the signature.
 * 5. `checkClaims`: ID-token detection, `exp` (required), `nbf`, `iat`, audience.
 *
 * `verifyAccessToken` runs all five; the Passport strategy runs 1–3 in its key provider, lets
 * passport-jwt verify the signature, then runs 5 in `validate`. The doctor CLI runs the same steps.
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

/** Step 2. Header and issuer, before any key is looked up. */
export function checkBeforeKey(
  { header, claims, summary, signed }: DecodedToken,
  policy: TokenPolicy,
): void {
  const fail = (reason: ConstructorParameters<typeof InvalidTokenError>[0], text: string) =>
    new InvalidTokenError(reason, text).withSummary(summary);

  if (typeof header.alg !== 'string' || !policy.algorithms.includes(header.alg)) {
    throw fail(
      'algorithm_not_allowed',
      AuthMessages.algorithmNotAllowed(header.alg, policy.algorithms),
    );
  }
  if (!signed) throw fail('malformed_token', AuthMessages.malformedToken('it has no signature'));
  if (header.crit !== undefined) {
    throw fail('unsupported_header', AuthMessages.unsupportedCrit(header.crit));
  }
  if (header.b64 !== undefined && header.b64 !== true) {
    throw fail('unsupported_header', AuthMessages.unencodedPayload());
  }
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
  const accepted = policy.requireAtJwt ? STRICT_TYPES : ACCESS_TOKEN_TYPES;
  if ((header.typ !== undefined || policy.requireAtJwt) && !(typ && accepted.has(typ))) {
    const text = policy.requireAtJwt
      ? AuthMessages.atJwtRequired(header.typ)
      : AuthMessages.wrongTokenType(header.typ);
    throw fail('wrong_token_type', text);
  }
  if (claims.iss !== policy.issuer) {
    throw fail('wrong_issuer', AuthMessages.wrongIssuer(claims.iss, policy.issuer));
  }
  if (typeof header.kid !== 'string' || header.kid === '') {
    throw fail('missing_kid', AuthMessages.missingKid());
  }
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
  const fail = (reason: ConstructorParameters<typeof InvalidTokenError>[0], text: string) =>
    new InvalidTokenError(reason, text).withSummary(summary);

  const evidence = idTokenEvidence(claims);
  if (evidence) throw fail('id_token', AuthMessages.idToken(evidence));
  if (claims.exp === undefined) throw fail('missing_exp', AuthMessages.missingExp());
  for (const name of ['exp', 'nbf', 'iat']) {
    if (claims[name] !== undefined && !isNumericDate(claims[name])) {
      throw fail('invalid_claim', AuthMessages.invalidClaim(name));
    }
  }
  const exp = claims.exp as number;
  if (nowSeconds - policy.clockSkewSeconds >= exp) throw fail('expired', AuthMessages.expired(exp));
  const nbf = claims.nbf as number | undefined;
  if (nbf !== undefined && nowSeconds + policy.clockSkewSeconds < nbf) {
    throw fail('not_yet_valid', AuthMessages.notYetValid(nbf));
  }
  const aud = claims.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.some((a) => typeof a === 'string' && policy.audiences.includes(a))) {
    throw fail('wrong_audience', AuthMessages.wrongAudience(aud, policy.audiences));
  }
}

export interface VerifiedToken {
  principal: Principal;
  header: JwsHeader;
  kid: string;
}

/** All five steps, in order. Throws a `BearerError` (or whatever the resolver throws). */
export async function verifyAccessToken(
  token: string,
  policy: TokenPolicy,
  resolveKey: KeyResolver,
  nowSeconds = Date.now() / 1000,
): Promise<VerifiedToken> {
  const decoded = decodeUntrusted(token);
  checkBeforeKey(decoded, policy);
  const { header, claims, summary } = decoded;
  const kid = header.kid as string;
  const vk = await resolveKey(kid, header.alg);
  checkKeyFits(header.alg, vk, summary);
  try {
    verifySignature(token, header.alg, vk);
  } catch (error) {
    throw (error as InvalidTokenError).withSummary(summary);
  }
  checkClaims(claims, policy, nowSeconds, summary);
  return { principal: toPrincipal(claims), header, kid };
}

/** Imports a PEM or JWK once into a `KeyObject`; keys are never re-parsed per request. */
export const toKeyObject = (pem: string): KeyObject => createPublicKey(pem);
