/**
 * Every sentence the auth layer says, in one place. Tests assert against these same functions, so
 * the wording can change here without breaking them. Token-derived values are clipped and pass
 * through `toChallengeText` when the error is built, so no quote, backslash or control character
 * from a token ever reaches a header.
 */

/** Clips a token-derived value so one hostile claim can't fill the description. */
export function shown(value: unknown, max = 80): string {
  const text =
    typeof value === 'string'
      ? value
      : Array.isArray(value) && value.length > 0
        ? value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ')
        : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

function sameHostHint(tokenIssuer: string, expected: string): string {
  try {
    const a = new URL(tokenIssuer);
    const b = new URL(expected);
    if (a.host !== b.host) return '';
    if (a.href.replace(/\/$/, '') === b.href.replace(/\/$/, '')) {
      return '; the two differ only by a trailing slash';
    }
    return '; it comes from another authorization server on the same host';
  } catch {
    return '';
  }
}

export const AuthMessages = {
  missingCredentials: () => 'An access token is required: send Authorization: Bearer <token>',
  otherScheme: (scheme: string) =>
    `The ${shown(scheme, 20)} scheme is not accepted: send Authorization: Bearer <token>`,
  emptyBearer: () => 'The Bearer credentials hold no token',
  severalTokens: () => 'The Bearer credentials must hold exactly one token',
  severalAuthorizationHeaders: () => 'Send exactly one Authorization header',
  tokenInSeveralPlaces: () => 'Send the access token in one place only',
  tokenOutsideHeader: () =>
    'Send the access token in the Authorization header; access_token parameters are not accepted',
  tokenCharacters: () => 'The Bearer token holds characters that RFC 6750 does not allow',
  tokenTooLong: (max: number) => `The token is longer than the ${max} characters accepted`,

  malformedToken: (why: string) => `The token is not a well-formed JWS: ${why}`,
  payloadNotObject: () => 'The token payload is not a JSON object',
  algorithmNotAllowed: (alg: unknown, allowed: readonly string[]) =>
    `The token algorithm ${shown(alg, 20)} is not accepted; accepted: ${allowed.join(', ')}`,
  algorithmKeyMismatch: (alg: string, kid: string, keyAlg: string) =>
    `The token algorithm ${alg} does not fit key ${shown(kid)}, which is for ${keyAlg}`,
  unsupportedCrit: (names: unknown) =>
    `The token marks header parameters as critical that are not understood: ${shown(names)}`,
  unencodedPayload: () => 'Tokens with an unencoded payload (b64: false) are not accepted',
  wrongTokenType: (typ: unknown) =>
    `The token type ${shown(typ, 40)} is not an access token type (expected at+jwt or JWT)`,
  atJwtRequired: (typ: unknown) =>
    `The token type ${shown(typ ?? 'none', 40)} is not at+jwt, which this API requires (RFC 9068)`,
  idToken: (why: string) =>
    `This is an OpenID Connect ID token (${why}); send the access token instead`,

  wrongIssuer: (tokenIssuer: unknown, expected: string) =>
    typeof tokenIssuer === 'string'
      ? `The token issuer ${shown(tokenIssuer)} is not the expected issuer ${expected}${sameHostHint(tokenIssuer, expected)}`
      : `The token has no issuer; the expected issuer is ${expected}`,
  issuerNotListed: (tokenIssuer: unknown, accepted: readonly string[]) =>
    typeof tokenIssuer === 'string'
      ? `The token issuer ${shown(tokenIssuer)} is not one of the accepted issuers: ${shown(accepted, 160)}`
      : `The token has no issuer; the accepted issuers are ${shown(accepted, 160)}`,
  tenantMismatch: (tokenIssuer: string, tid: unknown) =>
    `The token issuer ${shown(tokenIssuer)} names another tenant than its tid ${shown(tid ?? 'none', 40)}`,
  tenantNotAccepted: (tenant: string) =>
    `The token tenant ${tenant} is not one of the accepted tenants`,
  missingKid: () => 'The token header names no key (kid)',
  unknownKid: (kid: string, issuer: string) =>
    `The signing key ${shown(kid)} was not found in the keys of ${issuer}, even after a refresh`,
  badSignature: (kid: string) => `The token signature does not verify with key ${shown(kid)}`,

  missingExp: () => 'The token has no expiration (exp)',
  missingSub: () => 'The token has no subject (sub); RFC 9068 requires one',
  subNotString: (sub: unknown) =>
    `The token subject (sub) ${shown(sub, 40)} is not a string; RFC 9068 requires one`,
  invalidClaim: (name: string) => `The token ${name} claim is not a valid value`,
  expired: (exp: number) => `The token expired at ${iso(exp)}`,
  notYetValid: (nbf: number) => `The token is not valid before ${iso(nbf)}`,
  wrongAudience: (aud: unknown, accepted: readonly string[]) =>
    aud === undefined
      ? `The token has no audience; accepted: ${accepted.join(', ')}`
      : `The token audience ${shown(aud)} is not accepted; accepted: ${accepted.join(', ')}`,

  insufficientScope: (missing: readonly string[]) =>
    `The token lacks the required scope ${missing.join(' ')}`,
  insufficientAnyScope: (anyOf: readonly string[]) =>
    `The token needs one of the scopes ${anyOf.join(' ')}`,
  missingRole: (missing: readonly string[]) =>
    `The token lacks the required role ${missing.join(' ')}`,
  missingAnyRole: (anyOf: readonly string[]) =>
    `The token needs one of the roles ${anyOf.join(' ')}`,
  policyNotMet: (policy: string | undefined, requires: string) =>
    policy === undefined
      ? `Access is denied: it requires ${requires}`
      : `The policy ${policy} is not met: it requires ${requires}`,

  /** What a policy requirement asks for, as the end of `policyNotMet`'s sentence. */
  requires: {
    all: (kind: 'scope' | 'role', names: readonly string[]) =>
      names.length === 1 ? `the ${kind} ${names[0]}` : `the ${kind}s ${names.join(' ')}`,
    any: (kind: 'scope' | 'role', names: readonly string[]) =>
      names.length === 1 ? `the ${kind} ${names[0]}` : `one of the ${kind}s ${names.join(' ')}`,
    claim: (name: string, values: readonly unknown[]) =>
      values.length === 0
        ? `the claim ${name}`
        : `the claim ${name} with the value ${values.map(String).join(' or ')}`,
    assertion: () => 'a condition of the app',
    both: (parts: readonly string[]) => parts.join(' and '),
    either: (alternatives: readonly string[]) => alternatives.join(', or '),
  },

  authorityUnavailable: (part: string) =>
    `The authorization server's ${part} cannot be obtained right now; retry shortly`,

  tokenInactive: () =>
    'The authorization server says the token is not active (revoked, expired or unknown)',
  introspectionTokenType: (type: unknown) =>
    `The introspection answer's token_type ${shown(type, 40)} is not an access token type`,
  introspectionUnavailable: () =>
    "The authorization server's introspection endpoint cannot be asked right now; retry shortly",
  introspectionBusy: () => 'Too many tokens to introspect right now; retry shortly',
} as const;
